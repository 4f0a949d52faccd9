package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.persistence.SqlStates;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The read side's store of events it could not apply yet ({@code parked_events}): the retry with
 * backoff and the dead-letter store of DESIGN.md's promise 6, kept per aggregate and in sequence
 * order, in the application rather than in the broker (whose redelivery delay and dead-letter
 * address move single messages out of their group). States: see V5__parked_events.sql.
 */
@ApplicationScoped
public class ParkedEvents {

    private static final Logger LOG = Logger.getLogger(ParkedEvents.class.getName());

    static final String RETRYING = "retrying";
    static final String DEAD = "dead";
    static final String WAITING = "waiting";
    private static final int MAX_ERROR_LENGTH = 2000;

    private static final String ADD_WAITING = """
            INSERT INTO parked_events (event_id, aggregate_type, aggregate_id, sequence, event, state, last_error)
            VALUES (?, ?, ?, ?, CAST(? AS jsonb), 'waiting', ?)
            ON CONFLICT (event_id) DO NOTHING""";

    // A first failure, or one more: the delay doubles from first-delay up to max-delay, and the
    // max-attempts-th failure makes it dead.
    private static final String FAILED = """
            INSERT INTO parked_events AS p (event_id, aggregate_type, aggregate_id, sequence, event, state, attempts,
                                            last_error, next_attempt_at)
            VALUES (?, ?, ?, ?, CAST(? AS jsonb), CASE WHEN ? <= 1 THEN 'dead' ELSE 'retrying' END, 1, ?,
                    clock_timestamp() + make_interval(secs => ? / 1000.0))
            ON CONFLICT (event_id) DO UPDATE
            SET attempts = p.attempts + 1,
                state = CASE WHEN p.attempts + 1 >= ? THEN 'dead' ELSE 'retrying' END,
                last_error = EXCLUDED.last_error,
                next_attempt_at = clock_timestamp()
                    + make_interval(secs => least(? * power(2, p.attempts), ?) / 1000.0),
                updated_at = clock_timestamp()
            RETURNING state, attempts""";

    private static final String FIRST = """
            SELECT event_id, state, next_attempt_at IS NULL OR next_attempt_at <= clock_timestamp() AS due,
                   event::text AS event
            FROM parked_events WHERE aggregate_id = ?
            ORDER BY sequence LIMIT 1
            FOR UPDATE""";

    private static final String DUE = """
            SELECT aggregate_id FROM parked_events
            WHERE state = 'retrying' AND next_attempt_at <= clock_timestamp()
            GROUP BY aggregate_id ORDER BY min(next_attempt_at) LIMIT ?""";

    private static final String LIST = """
            SELECT event_id, aggregate_type, aggregate_id, sequence, event->>'type' AS event_type, state, attempts,
                   last_error, next_attempt_at, parked_at, updated_at, event::text AS event
            FROM parked_events
            WHERE (CAST(? AS varchar) IS NULL OR state = ?)
            ORDER BY parked_at, aggregate_id, sequence
            LIMIT ?""";

    // Aggregates (of a type read in sequence) whose first waiting event has waited (or waited since
    // the last request) for longer than the bound, with nothing failed ahead of it: answers the
    // aggregate and its first waiting sequence. Whether events are missing before it, the versions
    // the projections hold say (staleGaps).
    private static final String WAITING_LONG = """
            SELECT p.aggregate_id, min(p.sequence)
            FROM parked_events p
            WHERE p.state = 'waiting' AND p.aggregate_type = ?
              AND coalesce(p.next_attempt_at, p.parked_at) <= clock_timestamp() - make_interval(secs => ? / 1000.0)
              AND NOT EXISTS (SELECT 1 FROM parked_events b WHERE b.aggregate_id = p.aggregate_id AND b.state <> 'waiting')
            GROUP BY p.aggregate_id
            LIMIT 100""";

    private static final String REPAIR_REQUESTED = """
            UPDATE parked_events SET next_attempt_at = clock_timestamp(), updated_at = clock_timestamp(),
                   last_error = ?
            WHERE aggregate_id = ? AND state = 'waiting'""";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    Projections projections;

    @Inject
    @ConfigProperty(name = "cqrs.projection.gap-repair-after-ms", defaultValue = "10000")
    long gapRepairAfterMillis;

    @Inject
    @ConfigProperty(name = "cqrs.projection.retry.max-attempts", defaultValue = "6")
    int maxAttempts;

    @Inject
    @ConfigProperty(name = "cqrs.projection.retry.first-delay-ms", defaultValue = "200")
    long firstDelayMillis;

    @Inject
    @ConfigProperty(name = "cqrs.projection.retry.max-delay-ms", defaultValue = "10000")
    long maxDelayMillis;

    /** A parked event: its state, whether its next attempt is due, and the event itself. */
    public record Entry(UUID eventId, String state, boolean due, EventEnvelope event) {
    }

    void addWaiting(Connection connection, EventEnvelope event, String reason) throws SQLException {
        Jdbc.update(connection, ADD_WAITING, event.eventId(), event.aggregateType(), event.aggregateId(),
                event.sequence(), event.toJson().toString(), reason);
        LOG.fine(() -> event.type() + " #" + event.sequence() + " of " + event.aggregateId() + " waits: " + reason);
    }

    List<Entry> first(Connection connection, UUID aggregateId) throws SQLException {
        return Jdbc.rows(connection, FIRST, rs -> new Entry(Jdbc.uuid(rs, 1), rs.getString("state"), rs.getBoolean("due"),
                EventEnvelope.fromJson(rs.getString("event"))), aggregateId);
    }

    void remove(Connection connection, UUID eventId) throws SQLException {
        Jdbc.update(connection, "DELETE FROM parked_events WHERE event_id = ?", eventId);
    }

    /**
     * Records that applying {@code event} failed, in a local transaction of its own (the one that
     * failed has rolled back): it is retried after a delay, or, after max-attempts failures, dead.
     * Throws when read_db cannot take the record either.
     */
    public String recordFailure(EventEnvelope event, Throwable failure) {
        try {
            // A database that could not be reached says nothing about the event: retried, never dead.
            int limit = SqlStates.isUnavailable(failure) ? Integer.MAX_VALUE : maxAttempts;
            Object[] result = Jdbc.inTransaction(readDb, connection -> {
                ProjectionGate.lock(connection, event.aggregateId());
                return Jdbc.query(connection, FAILED, event.eventId(), event.aggregateType(),
                    event.aggregateId(), event.sequence(), event.toJson().toString(), limit, describe(failure),
                    firstDelayMillis, limit, firstDelayMillis, maxDelayMillis).get(0);
            });
            String state = (String) result[0];
            int attempts = ((Number) result[1]).intValue();
            String what = event.type() + " #" + event.sequence() + " of " + event.aggregateType() + " "
                    + event.aggregateId();
            if (state.equals(DEAD)) {
                LOG.severe("dead letter: " + what + " failed " + attempts + " times and is parked with the events of "
                        + "its aggregate behind it (GET /admin/dead-letters): " + describe(failure));
            } else {
                LOG.warning("projecting " + what + " failed (attempt " + attempts
                        + (limit == Integer.MAX_VALUE ? ", database unreachable: no limit" : " of " + limit)
                        + "), retried later: " + describe(failure));
            }
            return state;
        } catch (SQLException e) {
            throw new IllegalStateException("recording a projection failure failed: " + e, e);
        }
    }

    /** Aggregates with a retrying event whose next attempt is due. */
    List<UUID> dueAggregates(int limit) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            List<UUID> ids = new ArrayList<>();
            for (Object[] row : Jdbc.query(connection, DUE, limit)) {
                ids.add((UUID) row[0]);
            }
            return ids;
        }
    }

    /** A gap that has not closed: events {@code from}..{@code to} of the aggregate never came. */
    public record Gap(UUID aggregateId, int from, int to) {
    }

    /**
     * What long waits mean: {@code gaps}, events that never came; {@code stranded}, aggregates whose
     * first waiting event is next (or a duplicate) after what the projections hold, which is what an
     * instance killed between committing the predecessor and catching up its waiting successors leaves:
     * nothing else would ever apply them.
     */
    record LongWaits(List<Gap> gaps, List<UUID> stranded) {
    }

    LongWaits longWaits() throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            List<Gap> gaps = new ArrayList<>();
            List<UUID> stranded = new ArrayList<>();
            for (String type : projections.sequencedTypes()) {
                Projections.Readers readers = projections.readers(type);
                for (Object[] row : Jdbc.query(connection, WAITING_LONG, type, gapRepairAfterMillis)) {
                    UUID id = (UUID) row[0];
                    int firstWaiting = ((Number) row[1]).intValue();
                    int applied = readers.held(connection, id, firstWaiting).lowest();
                    if (firstWaiting > applied + 1) {
                        gaps.add(new Gap(id, applied + 1, firstWaiting - 1));
                    } else {
                        stranded.add(id);
                    }
                }
            }
            return new LongWaits(gaps, stranded);
        }
    }

    void repairRequested(Gap gap) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            Jdbc.update(connection, REPAIR_REQUESTED, "waiting for events #" + gap.from() + "-#" + gap.to()
                    + " of its aggregate; asked for them again at " + Instant.now(), gap.aggregateId());
        }
    }

    /** The aggregate a parked event belongs to. */
    public Optional<UUID> aggregateOf(UUID eventId) {
        return Jdbc.first(readDb, "parked events", "SELECT aggregate_id FROM parked_events WHERE event_id = ?", eventId)
                .map(row -> (UUID) row[0]);
    }

    public long count(UUID aggregateId) {
        return Jdbc.first(readDb, "parked events", "SELECT count(*) FROM parked_events WHERE aggregate_id = ?",
                aggregateId).map(row -> ((Number) row[0]).longValue()).orElse(0L);
    }

    /** A parked event as operators see it ({@code GET /admin/dead-letters}). */
    private record Parked(UUID id, String aggregateType, UUID aggregateId, int sequence, String eventType, String state,
                          int attempts, String error, Instant nextAttemptAt, Instant parkedAt, Instant updatedAt,
                          String event) {

        static Parked of(java.sql.ResultSet rs) throws SQLException {
            return new Parked(Jdbc.uuid(rs, rs.findColumn("event_id")), rs.getString("aggregate_type"),
                    Jdbc.uuid(rs, rs.findColumn("aggregate_id")), rs.getInt("sequence"), rs.getString("event_type"),
                    rs.getString("state"), rs.getInt("attempts"), rs.getString("last_error"),
                    Jdbc.instant(rs, rs.findColumn("next_attempt_at")), Jdbc.instant(rs, rs.findColumn("parked_at")),
                    Jdbc.instant(rs, rs.findColumn("updated_at")), rs.getString("event"));
        }

        JsonObject toJson() {
            JsonObjectBuilder item = JsonSupport.object()
                    .add("id", id.toString())
                    .add("aggregate_type", aggregateType)
                    .add("aggregate_id", aggregateId.toString())
                    .add("sequence", sequence)
                    .add("event_type", eventType)
                    .add("state", state)
                    .add("attempts", attempts);
            JsonSupport.addText(item, "error", error);
            JsonSupport.addText(item, "next_attempt_at", nextAttemptAt);
            JsonSupport.addText(item, "parked_at", parkedAt);
            JsonSupport.addText(item, "updated_at", updatedAt);
            return item.add("event", JsonSupport.parseObject(event)).build();
        }
    }

    /** Parked events as JSON, oldest first; {@code state} null for all. */
    public List<JsonObject> list(String state, int limit) {
        try (Connection connection = readDb.getConnection()) {
            return Jdbc.rows(connection, LIST, Parked::of, state, state, limit).stream().map(Parked::toJson).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("listing parked events failed", e);
        }
    }

    /** The failure's causes, outermost first, without stack frames: what an operator needs to see. */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable t = failure instanceof ProjectionFailure && failure.getCause() != null ? failure.getCause() : failure;
        for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause() == t ? null : t.getCause()) {
            String part = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            if (text.indexOf(part) < 0) {
                text.append(text.length() == 0 ? "" : " <- ").append(part);
            }
        }
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text.toString();
    }
}
