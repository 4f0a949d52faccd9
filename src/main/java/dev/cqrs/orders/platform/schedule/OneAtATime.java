package dev.cqrs.orders.platform.schedule;

import dev.cqrs.orders.platform.persistence.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The periodic jobs that one instance at a time does, whatever the number of instances: each run is
 * elected by PostgreSQL, not by us. A run first takes its job's transaction-level advisory lock
 * ({@code pg_try_advisory_xact_lock(2, job)}) on a connection of its own and holds it until the work is
 * done; an instance that finds it taken skips this run (another is doing the work), and tries again at
 * its next interval. So there is no leader to lose: when the instance running a job dies, its
 * PostgreSQL backend ends with the connection and the lock goes with it, and the next run of any other
 * instance takes the job (docs/scaling.md "Singletons": after kill -9 the operating system closes the
 * dead process's sockets at once, so the bound is one interval of the job). For a host that vanishes
 * without closing its connections, the lock's session sets TCP keepalives for the run (5 s idle, then 3
 * probes 2 s apart), so PostgreSQL drops it within about 11 s of silence.
 *
 * <p>Election only saves duplicated work: every job below is also correct when two instances run it
 * at once (row locks, {@code SKIP LOCKED}, monotonic updates), which is what makes a takeover safe
 * in the middle of a run.
 */
public final class OneAtATime {

    /** The jobs, each with its own lock (advisory lock space 2; space 1 is the projections'). */
    public enum Job {
        EVENT_SEQUENCER(1), OUTBOX_SWEEP(2), KEY_EXPIRY(3), PUBLICATION_EXPIRY(4), PROJECTION_RECEIPT_EXPIRY(5),
        COUNTER_FOLD(6), VIEW_CHANGES_EXPIRY(7), GAP_REPAIR(8), RATE_LIMIT_EXPIRY(9), STREAM_EXPIRY(10);

        private final int key;

        Job(int key) {
            this.key = key;
        }

        /** The second key of the job's advisory lock ({@code pg_locks.objid}, with {@code classid} 2). */
        public int key() {
            return key;
        }
    }

    static final int LOCK_SPACE = 2;
    // One round trip: set_config(..., true) is SET LOCAL, for this transaction only.
    private static final String TRY = "SELECT set_config('tcp_keepalives_idle', '5', true),"
            + " set_config('tcp_keepalives_interval', '2', true), set_config('tcp_keepalives_count', '3', true),"
            + " pg_try_advisory_xact_lock(" + LOCK_SPACE + ", ?)";

    private OneAtATime() {
    }

    /**
     * Runs {@code work} unless another instance is running {@code job} now; {@code database} holds the
     * lock (a database the job's role has). Returns whether this instance ran it.
     */
    public static boolean run(DataSource database, Job job, QuietRepeat.Task work) throws Exception {
        // The transaction ends when the work is done (nothing was written in it), releasing the lock.
        return Jdbc.inTransaction(database, connection -> {
            if (!tryLock(connection, job)) {
                return false;
            }
            work.run();
            return true;
        });
    }

    private static boolean tryLock(Connection connection, Job job) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TRY)) {
            statement.setInt(1, job.key());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(4);
            }
        }
    }
}
