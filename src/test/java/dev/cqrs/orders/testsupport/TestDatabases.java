package dev.cqrs.orders.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Direct JDBC access to the test stack's databases, for checks from outside the application (roles,
 * traces left by refused commands). Addresses and credentials come from the environment that
 * failsafe passes to the tests and to Payara Micro alike.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    public static Connection write() throws SQLException {
        return connect("WRITE", env("CQRS_WRITE_DB"), env("CQRS_WRITE_USER"), env("CQRS_WRITE_PASSWORD"));
    }

    public static Connection read() throws SQLException {
        return connect("READ", env("CQRS_READ_DB"), env("CQRS_READ_USER"), env("CQRS_READ_PASSWORD"));
    }

    /** Connects to a database of the test cluster as the given role. */
    public static Connection connect(String side, String database, String user, String password) throws SQLException {
        String url = "jdbc:postgresql://" + env("CQRS_" + side + "_DB_HOST") + ":" + env("CQRS_" + side + "_DB_PORT")
                + "/" + database;
        return DriverManager.getConnection(url, user, password);
    }

    public static long count(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The first column of the first row. */
    public static Object value(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getObject(1);
        }
    }

    public static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: run the tests with mvn verify");
        }
        return value;
    }
}
