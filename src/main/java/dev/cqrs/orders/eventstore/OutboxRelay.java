package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends committed events from the outbox to Artemis, in each aggregate's sequence order.
 *
 * <p>Aggregates are queued right after a command commits ({@link #relaySoon}) and by the periodic
 * {@link #sweep} (what a crash, an outage or a restart left behind). One relay thread per
 * application instance takes them in batches: in one statement it locks their outbox rows in
 * (aggregate, sequence) order and deletes them, sends the events in one JMS transaction, and
 * commits the delete only after the broker has durably accepted them. Another instance relaying
 * the same aggregate waits on those row locks and then finds only what is left, so an aggregate's
 * events leave in sequence. A crash between the broker's acknowledgement and the delete's commit
 * sends them again: Artemis drops the copies by their duplicate id, and projections ignore what
 * they have already applied.
 *
 * <p>No request thread ever waits for the broker: they only add to the queue.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());

    // Locks the aggregates' outbox rows in (aggregate, sequence) order and deletes them, answering
    // their events, in one statement. The delete is part of the relay's transaction, which commits
    // only after the broker has taken the events: if sending fails it rolls back and the rows are
    // there again; another instance's relay waits on the row locks and then finds only what is left.
    // The same statement writes their publication receipts (write V7, GET /commands/{id}), stamped
    // as the relay takes them and, like the delete, visible only once the broker has them: the first
    // that commits counts, a resend keeps it. (Not a statement of their own after the send: that
    // was one more round trip per batch on the relay's thread.)
    private static final String CLAIM = """
            WITH claimed AS (
                SELECT aggregate_id, sequence, resend_id FROM outbox
                WHERE aggregate_id = ANY (?)
                ORDER BY aggregate_id, sequence
                FOR UPDATE),
            released AS (
                DELETE FROM outbox o USING claimed c
                WHERE o.aggregate_id = c.aggregate_id AND o.sequence = c.sequence),
            published AS (
                INSERT INTO event_publications (aggregate_id, sequence, published_at)
                SELECT aggregate_id, sequence, clock_timestamp() FROM claimed
                ON CONFLICT (aggregate_id, sequence) DO NOTHING)
            SELECT %s, c.resend_id
            FROM claimed c
            JOIN events e ON e.aggregate_id = c.aggregate_id AND e.sequence = c.sequence
            ORDER BY c.aggregate_id, c.sequence""".formatted(EventEnvelope.COLUMNS);

    private static final String STALE = """
            SELECT aggregate_id FROM outbox
            WHERE created_at < now() - make_interval(secs => ?)
            GROUP BY aggregate_id
            ORDER BY min(created_at)
            LIMIT ?""";

    @Resource
    ManagedThreadFactory threads;

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Inject
    EventPublisher publisher;

    @Inject
    @ConfigProperty(name = "cqrs.relay.batch-size", defaultValue = "200")
    int batchSize;

    @Inject
    @ConfigProperty(name = "cqrs.relay.sweep-min-age-ms", defaultValue = "2000")
    long sweepMinAgeMillis;

    @Inject
    @ConfigProperty(name = "cqrs.relay.failure-backoff-ms", defaultValue = "1000")
    long failureBackoffMillis;

    private final Set<UUID> pending = ConcurrentHashMap.newKeySet();
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile Thread relayThread;
    private volatile boolean running;
    private int consecutiveFailures; // relay thread only

    /** Called after a commit: these aggregates' events go out as soon as the relay thread is free. */
    public void relaySoon(Collection<UUID> aggregateIds) {
        pending.addAll(aggregateIds);
        wakeUp.release();
    }

    /** Queues the aggregates whose events have waited longer than the minimum age; returns how many. */
    public int sweep() throws SQLException {
        List<UUID> stale = new ArrayList<>();
        try (Connection connection = writeDb.getConnection();
             PreparedStatement query = connection.prepareStatement(STALE)) {
            query.setDouble(1, sweepMinAgeMillis / 1000.0);
            query.setInt(2, 10 * batchSize);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    stale.add(Jdbc.uuid(rs, 1));
                }
            }
        }
        if (!stale.isEmpty()) {
            relaySoon(stale);
        }
        return stale.size();
    }

    void start() {
        running = true;
        relayThread = threads.newThread(this::run);
        relayThread.setName("cqrs-outbox-relay");
        relayThread.start();
    }

    void stop() {
        running = false;
        Thread thread = relayThread;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publisher.close();
    }

    public boolean isRunning() {
        Thread thread = relayThread;
        return running && thread != null && thread.isAlive();
    }

    private void run() {
        while (running) {
            try {
                wakeUp.tryAcquire(1, TimeUnit.SECONDS);
                wakeUp.drainPermits();
                List<UUID> batch;
                while (running && !(batch = takePending()).isEmpty()) {
                    relayOrRequeue(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The thread must outlive any surprise; the events wait in the outbox meanwhile.
                LOG.log(Level.SEVERE, "outbox relay: unexpected failure", e);
            }
        }
    }

    private void relayOrRequeue(List<UUID> batch) throws InterruptedException {
        try {
            relay(batch);
            if (consecutiveFailures > 0) {
                LOG.info("outbox relay recovered after " + consecutiveFailures + " failed attempt(s)");
                consecutiveFailures = 0;
            }
        } catch (SQLException | EventPublishingException e) {
            pending.addAll(batch);
            // One warning per outage, not one per retry.
            Level level = consecutiveFailures++ == 0 ? Level.WARNING : Level.FINE;
            LOG.log(level, "outbox relay failed, retrying every " + failureBackoffMillis + " ms: " + e);
            LOG.log(Level.FINE, "outbox relay failure", e);
            Thread.sleep(failureBackoffMillis);
        }
    }

    private List<UUID> takePending() {
        List<UUID> batch = new ArrayList<>();
        Iterator<UUID> it = pending.iterator();
        while (it.hasNext() && batch.size() < batchSize) {
            batch.add(it.next());
            it.remove();
        }
        return batch;
    }

    /** Sends the outbox events of these aggregates; returns how many were sent. */
    int relay(List<UUID> aggregateIds) throws SQLException, EventPublishingException {
        return Jdbc.<Integer, EventPublishingException>inTransaction(writeDb, connection -> {
            Map<UUID, UUID> resendIds = new HashMap<>();
            // Claimed and deleted; committed after the broker took them (rolled back if it did not).
            List<EventEnvelope> events = claim(connection, aggregateIds, resendIds);
            if (!events.isEmpty()) {
                publisher.publish(events, resendIds);
            }
            return events.size();
        });
    }

    private static List<EventEnvelope> claim(Connection connection, List<UUID> aggregateIds, Map<UUID, UUID> resendIds)
            throws SQLException {
        List<EventEnvelope> events = new ArrayList<>();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setArray(1, connection.createArrayOf("uuid", aggregateIds.toArray()));
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    events.add(EventEnvelope.fromRow(rs, 1));
                    UUID resendId = Jdbc.uuid(rs, 11);
                    if (resendId != null) {
                        resendIds.put(Jdbc.uuid(rs, 1), resendId);
                    }
                }
            }
        }
        return events;
    }
}
