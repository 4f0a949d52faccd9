package dev.cqrs.orders.platform.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The command's one handle on write_db. Inside a JTA transaction the pool gives every
 * {@code getConnection()} the same enlisted connection, but each call still costs the pool's
 * bookkeeping: on Payara the five calls of a POST /orders took a tenth of its request thread's CPU
 * (JFR, 6 Dec, docs/benchmarks.md). The first use in a transaction opens a handle, later uses in the
 * same transaction share it, and it is closed when the transaction completes (before the commit).
 * Outside an active transaction, and for work that runs after that close (another synchronization's
 * {@code beforeCompletion}), each use gets a handle of its own, closed after it.
 */
@ApplicationScoped
public class CommandConnection {

    private static final Object KEY = new Object();

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /** Runs {@code work} on the transaction's handle on write_db (see the class comment). */
    public <T, E extends Exception> T use(Jdbc.Work<T, E> work) throws SQLException, E {
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            Connection shared = (Connection) transactions.getResource(KEY);
            if (shared == null) {
                return work.on(open());
            }
            if (!shared.isClosed()) {
                return work.on(shared);
            }
            // Closed at the transaction's completion already: a later synchronization's own work.
        }
        try (Connection own = writeDb.getConnection()) {
            return work.on(own);
        }
    }

    /**
     * The first row of a query on the command's connection, if any; a database failure becomes an
     * {@link IllegalStateException} that says {@code what} was being read.
     */
    public Optional<Object[]> first(String what, String sql, Object... parameters) {
        try {
            return use(connection -> Jdbc.first(connection, sql, parameters));
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + what + " failed", e);
        }
    }

    private Connection open() throws SQLException {
        Connection opened = writeDb.getConnection();
        try {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    close(opened);
                }

                @Override
                public void afterCompletion(int status) {
                    close(opened); // a rollback calls no beforeCompletion; closing twice is a no-op (JDBC)
                }
            });
        } catch (RuntimeException e) {
            close(opened);
            throw e;
        }
        transactions.putResource(KEY, opened);
        return opened;
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // The handle only: the pool owns the connection and validates it before handing it out again.
        }
    }
}
