package dev.cqrs.orders.platform.persistence;

import java.sql.SQLException;

/** Reads PostgreSQL's SQLSTATE out of whatever exception chain JPA or JDBC produced. */
public final class SqlStates {

    public static final String UNIQUE_VIOLATION = "23505";

    private SqlStates() {
    }

    public static boolean isUniqueViolation(Throwable e) {
        return UNIQUE_VIOLATION.equals(sqlState(e));
    }

    /** The SQLSTATE of the first {@link SQLException} in the cause chain, or null. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
