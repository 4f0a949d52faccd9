package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends committed events from the outbox to Artemis, in each aggregate's sequence order.
 *
 * <p>Two ways in: right after a command commits ({@link #relaySoon}), on a managed thread so that
 * no request thread ever waits for the broker; and the periodic {@link #sweep} for what a crash,
 * an outage or a full queue left behind. Both end in {@link #relay}: it locks the outbox rows of
 * the given aggregates in (aggregate, sequence) order, sends the events, and deletes the rows only
 * after the broker has durably accepted the messages. Any other sender of the same aggregate (the
 * sweep, another app instance) waits on those row locks and then finds only what is left, so an
 * aggregate's events leave in sequence. A crash between the broker's acknowledgement and the
 * delete sends them again: Artemis drops the copy by its duplicate id, and projections ignore
 * what they have already applied.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());

    private static final String CLAIM = """
            SELECT e.event_id, e.type, e.aggregate_type, e.aggregate_id, e.sequence, e.occurred_at, e.command_id,
                   e.principal, e.schema_version, e.data::text
            FROM outbox o
            JOIN events e ON e.aggregate_id = o.aggregate_id AND e.sequence = o.sequence
            WHERE o.aggregate_id = ANY (?)
            ORDER BY o.aggregate_id, o.sequence
            FOR UPDATE OF o""";

    private static final String RELEASE = """
            DELETE FROM outbox o
            USING unnest(?::uuid[], ?::int[]) AS sent (aggregate_id, sequence)
            WHERE o.aggregate_id = sent.aggregate_id AND o.sequence = sent.sequence""";

    private static final String STALE = """
            SELECT aggregate_id FROM outbox
            WHERE created_at < now() - make_interval(secs => ?)
            GROUP BY aggregate_id
            ORDER BY min(created_at)
            LIMIT ?""";

    @Resource
    ManagedExecutorService executor;

    @Resource(lookup = "jdbc/cqrs-write")
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
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Instant pausedUntil = Instant.MIN;

    /** Called after a commit: relays these aggregates' events soon, on a managed thread. */
    public void relaySoon(Collection<UUID> aggregateIds) {
        pending.addAll(aggregateIds);
        startDrainer();
    }

    /** Relays events that have waited longer than the minimum age; returns how many were sent. */
    public int sweep() {
        if (Instant.now().isBefore(pausedUntil)) {
            return 0;
        }
        int sent = 0;
        try {
            List<UUID> stale;
            do {
                stale = staleAggregates();
                sent += relay(stale);
            } while (stale.size() == batchSize);
        } catch (Exception e) {
            failed(e);
        }
        return sent;
    }

    private void startDrainer() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // Shutting down: the sweep of the next start finds these events in the outbox.
                draining.set(false);
            }
        }
    }

    private void drain() {
        try {
            while (!Instant.now().isBefore(pausedUntil)) {
                List<UUID> batch = takePending();
                if (batch.isEmpty()) {
                    break;
                }
                try {
                    relay(batch);
                } catch (Exception e) {
                    failed(e);
                }
            }
        } finally {
            draining.set(false);
        }
        // An id added after the last take, while this drainer was finishing, must not wait for the sweep.
        if (!pending.isEmpty() && !Instant.now().isBefore(pausedUntil)) {
            startDrainer();
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

    private void failed(Exception e) {
        // The events stay in the outbox; the sweep tries again once the pause is over.
        pausedUntil = Instant.now().plusMillis(failureBackoffMillis);
        pending.clear();
        LOG.warning(() -> "outbox relay failed, retrying in " + failureBackoffMillis + " ms: " + e);
        LOG.log(Level.FINE, "outbox relay failure", e);
    }

    /** Sends the outbox events of these aggregates; returns how many were sent. */
    int relay(List<UUID> aggregateIds) throws SQLException, EventPublishingException {
        if (aggregateIds.isEmpty()) {
            return 0;
        }
        try (Connection connection = writeDb.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<EventEnvelope> events = claim(connection, aggregateIds);
                if (!events.isEmpty()) {
                    publisher.publish(events);
                    release(connection, events);
                }
                connection.commit();
                return events.size();
            } catch (SQLException | EventPublishingException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private List<EventEnvelope> claim(Connection connection, List<UUID> aggregateIds) throws SQLException {
        List<EventEnvelope> events = new ArrayList<>();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setArray(1, connection.createArrayOf("uuid", aggregateIds.toArray()));
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    events.add(new EventEnvelope(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getObject(4, UUID.class),
                            rs.getInt(5),
                            rs.getObject(6, OffsetDateTime.class).toInstant(),
                            rs.getObject(7, UUID.class),
                            rs.getString(8),
                            rs.getInt(9),
                            JsonSupport.parseObject(rs.getString(10))));
                }
            }
        }
        return events;
    }

    private static void release(Connection connection, List<EventEnvelope> events) throws SQLException {
        Object[] aggregateIds = events.stream().map(EventEnvelope::aggregateId).toArray();
        Object[] sequences = events.stream().map(EventEnvelope::sequence).toArray();
        try (PreparedStatement release = connection.prepareStatement(RELEASE)) {
            Array ids = connection.createArrayOf("uuid", aggregateIds);
            Array seqs = connection.createArrayOf("int4", sequences);
            release.setArray(1, ids);
            release.setArray(2, seqs);
            release.executeUpdate();
        }
    }

    private List<UUID> staleAggregates() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = writeDb.getConnection();
             PreparedStatement stale = connection.prepareStatement(STALE)) {
            stale.setDouble(1, sweepMinAgeMillis / 1000.0);
            stale.setInt(2, batchSize);
            try (ResultSet rs = stale.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }
}
