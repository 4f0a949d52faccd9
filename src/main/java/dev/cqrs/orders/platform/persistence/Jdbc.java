package dev.cqrs.orders.platform.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Small helpers for the hand-written SQL of the event store and the projections: positional
 * parameters bound by type ({@link Instant} as {@code timestamptz}), rows as {@code Object[]}
 * (timestamps as {@link Instant}).
 */
public final class Jdbc {

    private Jdbc() {
    }

    public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    public static List<Object[]> query(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                List<Object[]> rows = new ArrayList<>();
                while (rs.next()) {
                    Object[] row = new Object[columns];
                    for (int i = 0; i < columns; i++) {
                        Object value = rs.getObject(i + 1);
                        row[i] = value instanceof Timestamp timestamp ? timestamp.toInstant() : value;
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** Makes one typed row of the result set's current row, reading its columns by name. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T row(ResultSet rs) throws SQLException;
    }

    /** The rows of a query, each made by {@code mapper}: typed rows, not {@code Object[]} read by index. */
    public static <T> List<T> rows(Connection connection, String sql, RowMapper<T> mapper, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.row(rs));
                }
                return rows;
            }
        }
    }

    /**
     * The first row of a query on a connection of its own (autocommit, or the caller's JTA
     * transaction), if any; a database failure becomes an {@link IllegalStateException} that says
     * {@code what} was being read.
     */
    public static Optional<Object[]> first(DataSource dataSource, String what, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection()) {
            return first(connection, sql, parameters);
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + what + " failed", e);
        }
    }

    /** The first row of a query on {@code connection}, if any. */
    public static Optional<Object[]> first(Connection connection, String sql, Object... parameters) throws SQLException {
        List<Object[]> rows = query(connection, sql, parameters);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Work on one connection, in one local transaction; may throw {@code E} besides SQL failures. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T on(Connection connection) throws SQLException, E;
    }

    /**
     * Runs {@code work} in a local transaction of its own on a connection of {@code dataSource}
     * (committed if it returns, rolled back if it throws), for callers without a JTA transaction:
     * the read side's projections. They used JTA's @Transactional until issue 5, and some
     * deliveries got a connection that was not enlisted, in autocommit: each statement committed
     * alone, so a crash between a view's update and its counter delta lost the delta (found by
     * FaultSuiteIT; the connection reported autocommit after its first statement).
     */
    public static <T, E extends Exception> T inTransaction(DataSource dataSource, Work<T, E> work)
            throws SQLException, E {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.on(connection);
                connection.commit();
                return result;
            } catch (Exception e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException broken) {
                    // A broken connection: the pool validates it before handing it out again.
                }
            }
        }
    }

    /**
     * A uuid column. Not {@code getObject(column, UUID.class)}: Payara's ResultSet wrapper answers
     * that JDBC 4.1 method by looking the driver's method up by reflection on every call, which
     * took a third of a rebuild's time (JFR); {@code getString} is a plain delegation.
     */
    public static UUID uuid(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : UUID.fromString(text);
    }

    /**
     * A timestamptz column as an instant: its text, read by {@link TimestampText}, or where that
     * declines, the driver's {@code getTimestamp}. (Not {@code getObject(column, OffsetDateTime.class)}:
     * see {@link #uuid}.)
     */
    public static Instant instant(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        if (text == null) {
            return null;
        }
        Instant instant = TimestampText.parse(text);
        return instant != null ? instant : rs.getTimestamp(column).toInstant();
    }

    public static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            bindOne(statement, i + 1, parameters[i]);
        }
    }

    /** Binds parameter {@code index} (from 1) by its type, an {@link Instant} as {@code timestamptz}. */
    public static void bindOne(PreparedStatement statement, int index, Object value) throws SQLException {
        statement.setObject(index, value instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC) : value);
    }

    /**
     * PostgreSQL's text of an array of {@code values}: each in double quotes when {@code quoted},
     * nulls as NULL. Cheaper than the driver's {@code createArrayOf}, which escapes every element of
     * every type.
     */
    public static String arrayLiteral(List<?> values, boolean quoted) {
        StringBuilder literal = new StringBuilder(2 + 40 * values.size()).append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                literal.append(',');
            }
            Object value = values.get(i);
            if (value == null) {
                literal.append("NULL");
            } else if (quoted) {
                quote(literal, value.toString());
            } else {
                literal.append(value);
            }
        }
        return literal.append('}').toString();
    }

    /** An array element in double quotes, its backslashes and double quotes escaped. */
    private static void quote(StringBuilder literal, String text) {
        literal.append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\') {
                literal.append('\\');
            }
            literal.append(ch);
        }
        literal.append('"');
    }
}
