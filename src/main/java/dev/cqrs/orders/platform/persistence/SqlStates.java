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

    /**
     * Whether PostgreSQL rolled the transaction back to break a deadlock (40P01) or a serialization
     * conflict (40001): the same work, run again at once, succeeds (the other transaction went on).
     */
    public static boolean isTransientConflict(Throwable e) {
        String state = sqlState(e);
        return "40P01".equals(state) || "40001".equals(state);
    }

    /**
     * Whether {@code e} says that a database could not be reached or went away (connection refused
     * or broken, server shutting down or starting, no connection left in the pool), as opposed to
     * a statement that failed: the same work succeeds later, unchanged.
     */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now;
                // 53300: too many connections.
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
                    return true;
                }
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketException
                    || t instanceof java.io.EOFException) {
                return true;
            }
            String message = t.getMessage();
            // The application server's pool, when it cannot hand out a connection.
            if (message != null && (message.contains("Error in allocating a connection")
                    || message.contains("Connection could not be allocated"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
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
