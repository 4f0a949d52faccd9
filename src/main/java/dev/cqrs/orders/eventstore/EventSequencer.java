package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.schedule.OneAtATime;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives committed events their global position (write V4): every
 * {@code cqrs.sequencer.interval-ms} (50), the events that became visible since the last run are
 * numbered after the last position, an aggregate's events in sequence order. Several instances
 * take turns on the {@code event_sequencer} row.
 *
 * <p>Why a run is exact: it locks the row first, then runs one statement whose snapshot is taken
 * after the lock, so it sees everything the previous run saw. The statement takes the events
 * visible to it but not in the previous run's snapshot, numbers them and stores its own snapshot
 * ({@code pg_current_snapshot()} is the statement's snapshot) in the same statement, so no event
 * can fall between "numbered" and "remembered as seen".
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class EventSequencer {

    private static final Logger LOG = Logger.getLogger(EventSequencer.class.getName());

    private static final String LAST_SNAPSHOT = "SELECT snapshot::text FROM event_sequencer WHERE id = 1";

    // Both statements find the new events through events_tx_id_idx, whatever the size of the store.
    // The snapshot comes as a parameter (joined in or sub-selected, it is estimated to match a third of
    // the table), and the candidates come from a sub-select ordered by tx_id: once the driver
    // prepares the statement on the server, PostgreSQL's generic plan cannot see the value either,
    // and for EXISTS a third of the table matching means "a sequential scan stops at once". It
    // scanned the whole table every 50 ms instead: 0.75 s per idle run with a million events.
    static final String NEW_EVENTS = """
            (SELECT aggregate_id, sequence, tx_id FROM events
             WHERE tx_id >= pg_snapshot_xmin(CAST(? AS pg_snapshot)) ORDER BY tx_id) candidates
            WHERE NOT pg_visible_in_snapshot(tx_id, CAST(? AS pg_snapshot))""";

    // Without a lock or a transaction id: an idle run writes nothing (no row lock, no commit to flush).
    static final String ANYTHING_NEW = "SELECT EXISTS (SELECT 1 FROM " + NEW_EVENTS + ")";

    private static final String TURN = "SELECT snapshot::text, position FROM event_sequencer WHERE id = 1 FOR UPDATE";

    static final String SEQUENCE = """
            WITH fresh AS (
                SELECT aggregate_id, sequence,
                       ? + row_number() OVER (ORDER BY aggregate_id, sequence) AS global_position
                FROM %s),
            logged AS (
                INSERT INTO event_log (global_position, aggregate_id, sequence)
                SELECT global_position, aggregate_id, sequence FROM fresh)
            UPDATE event_sequencer
            SET snapshot = pg_current_snapshot(),
                position = position + (SELECT count(*) FROM fresh),
                sequenced_at = CASE WHEN EXISTS (SELECT 1 FROM fresh) THEN clock_timestamp() ELSE sequenced_at END
            WHERE id = 1
            RETURNING position""".formatted(NEW_EVENTS);

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "cqrs.sequencer.interval-ms", defaultValue = "50")
    long intervalMillis;

    private volatile ScheduledFuture<?> runs;

    /** Command instances only; one of them at a time ({@link OneAtATime}). */
    @PostConstruct
    void start() {
        if (InstanceRoles.has(Role.COMMAND)) {
            runs = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "sequencing events",
                    () -> OneAtATime.run(writeDb, OneAtATime.Job.EVENT_SEQUENCER, this::sequence)), 0, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (runs != null) {
            runs.cancel(false);
        }
    }

    /** Numbers the events committed since the last run, if there are any. */
    public void sequence() throws SQLException {
        try (Connection connection = writeDb.getConnection()) {
            String last = (String) Jdbc.query(connection, LAST_SNAPSHOT).get(0)[0];
            if (!(Boolean) Jdbc.query(connection, ANYTHING_NEW, last, last).get(0)[0]) {
                return;
            }
        }
        Jdbc.inTransaction(writeDb, EventSequencer::sequence);
    }

    private static long sequence(Connection connection) throws SQLException {
        Object[] turn = Jdbc.query(connection, TURN).get(0);
        String previous = (String) turn[0];
        long position = ((Number) turn[1]).longValue();
        return ((Number) Jdbc.query(connection, SEQUENCE, position, previous, previous).get(0)[0]).longValue();
    }
}
