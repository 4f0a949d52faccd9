package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.json.JsonSupport;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * The read-only path into the event store that DESIGN.md allows the read side: the
 * {@code jdbc/cqrs-events} pool, whose role may only SELECT {@code events}, {@code event_log} and
 * {@code event_sequencer}. Events come out upcast ({@link Upcasters}).
 *
 * <p>Two ways to follow the store:
 * <ul>
 *   <li>by global position ({@link #after}): {@code event_log} numbers events in the order they
 *       became visible (see the write side's EventSequencer), so a reader that remembers the last
 *       position it took misses nothing, whatever order concurrent transactions committed in;</li>
 *   <li>by snapshot ({@link #inSnapshot}): a repeatable-read, read-only transaction sees the store
 *       as of one moment; {@link Snapshot#head()} says which position that moment has reached, and
 *       {@link Snapshot#unsequenced} gives the events visible in it that have no position yet.</li>
 * </ul>
 */
@ApplicationScoped
public class EventLog {

    /** How far the store has been numbered, and when the last event was numbered. */
    public record Head(long position, String snapshot, Instant sequencedAt) { }

    /** An event with its global position. */
    public record Logged(long position, EventEnvelope event) { }

    /** Where an event is, without its data: what the lag monitor needs. */
    public record Entry(long position, String aggregateType, UUID aggregateId, int sequence, Instant occurredAt) { }

    /** Receives events one at a time. */
    @FunctionalInterface
    public interface Sink {
        void accept(EventEnvelope event) throws SQLException;
    }

    /** Receives events with their positions. */
    @FunctionalInterface
    public interface LoggedSink {
        void accept(Logged event) throws SQLException;
    }

    private static final String HEAD = "SELECT position, snapshot::text, sequenced_at FROM event_sequencer WHERE id = 1";

    private static final String AFTER = """
            SELECT l.global_position, %s
            FROM event_log l JOIN events e ON e.aggregate_id = l.aggregate_id AND e.sequence = l.sequence
            WHERE l.global_position > ? AND l.global_position <= ?
            ORDER BY l.global_position""".formatted(EventEnvelope.COLUMNS);

    private static final String ENTRIES = """
            SELECT l.global_position, e.aggregate_type, e.aggregate_id, e.sequence, e.occurred_at
            FROM event_log l JOIN events e ON e.aggregate_id = l.aggregate_id AND e.sequence = l.sequence
            WHERE l.global_position > ?
            ORDER BY l.global_position LIMIT ?""";

    private static final String OF_TYPE = """
            SELECT %s FROM events e WHERE e.aggregate_type = ? ORDER BY e.aggregate_id, e.sequence"""
            .formatted(EventEnvelope.COLUMNS);

    /**
     * What a fold needs of the events of one aggregate type, and no more: no {@code event_id},
     * {@code command_id} or {@code principal} (a third fewer columns to send and decode).
     */
    private static final String OF_TYPE_TO_FOLD = """
            SELECT e.type, e.aggregate_id, e.sequence, e.occurred_at, e.schema_version, e.data::text
            FROM events e WHERE e.aggregate_type = ? ORDER BY e.aggregate_id, e.sequence""";

    private static final String OF_TYPE_WITH_POSITIONS = """
            SELECT l.global_position, %s
            FROM events e LEFT JOIN event_log l ON l.aggregate_id = e.aggregate_id AND l.sequence = e.sequence
            WHERE e.aggregate_type = ? ORDER BY e.aggregate_id, e.sequence""".formatted(EventEnvelope.COLUMNS);

    /** {@code work_mem} of a snapshot's sorts by aggregate (one transaction's, not the server's). */
    private static final String SORT_MEMORY = "256MB";

    private static final String UNSEQUENCED = """
            SELECT %s FROM events e
            WHERE e.tx_id >= pg_snapshot_xmin(CAST(? AS pg_snapshot))
              AND NOT pg_visible_in_snapshot(e.tx_id, CAST(? AS pg_snapshot))
            ORDER BY e.aggregate_id, e.sequence""".formatted(EventEnvelope.COLUMNS);

    private static final int FETCH = 5_000;
    private static final int RAW_BATCH = 1_000;
    private static final List<EventEnvelope> END = new ArrayList<>();

    // Threads of their own, not the default executor's pool: a rebuild already runs on that one,
    // and a bounded pool could leave this reader queued behind the task that waits for it.
    @Resource
    ManagedThreadFactory threads;

    private static boolean hand(BlockingQueue<List<EventEnvelope>> batches, List<EventEnvelope> batch, AtomicBoolean stopped)
            throws InterruptedException {
        while (!batches.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            if (stopped.get()) {
                return false;
            }
        }
        return true;
    }

    private static List<EventEnvelope> take(BlockingQueue<List<EventEnvelope>> batches) throws SQLException {
        try {
            return batches.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading the event store", e);
        }
    }

    /** Waits for the fetching thread; rethrows its failure. */
    private static void finish(Future<Void> reading) throws SQLException {
        try {
            reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading the event store", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException("reading the event store failed: " + e.getCause(), e.getCause());
        }
    }

    @Resource(lookup = Resources.EVENT_STORE)
    DataSource eventStore;

    @Inject
    Upcasters upcasters;

    public Head head() throws SQLException {
        try (Connection connection = eventStore.getConnection()) {
            return head(connection);
        }
    }

    private static Head head(Connection connection) throws SQLException {
        Object[] row = Jdbc.query(connection, HEAD).get(0);
        return new Head(((Number) row[0]).longValue(), (String) row[1], ((Instant) row[2]));
    }

    /** The events after {@code position}, up to {@code limit} of them, in position order. */
    public List<Logged> after(long position, int limit) throws SQLException {
        List<Logged> events = new ArrayList<>();
        try (Connection connection = eventStore.getConnection();
             PreparedStatement statement = connection.prepareStatement(AFTER)) {
            Jdbc.bind(statement, position, position + limit);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    events.add(new Logged(rs.getLong(1), upcasters.upcast(EventEnvelope.fromRow(rs, 2))));
                }
            }
        }
        return events;
    }

    /** Where the events after {@code position} are, up to {@code limit} of them, in position order. */
    public List<Entry> entriesAfter(long position, int limit) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (Connection connection = eventStore.getConnection()) {
            for (Object[] row : Jdbc.query(connection, ENTRIES, position, limit)) {
                entries.add(new Entry(((Number) row[0]).longValue(), (String) row[1], (UUID) row[2],
                        ((Number) row[3]).intValue(), ((Instant) row[4])));
            }
        }
        return entries;
    }

    /** The store as of one moment: see {@link #inSnapshot}. */
    public final class Snapshot {
        private final Connection connection;

        private Snapshot(Connection connection) {
            this.connection = connection;
        }

        /** The position this snapshot has numbered up to, and the sequencer's snapshot behind it. */
        public Head head() throws SQLException {
            return EventLog.head(connection);
        }

        /** Every event of an aggregate type, grouped by aggregate, each aggregate's in sequence. */
        public void ofType(String aggregateType, Sink sink) throws SQLException {
            stream(OF_TYPE, sink, aggregateType);
        }

        /**
         * Every event of an aggregate type with its position ({@code Long.MAX_VALUE} when it has
         * none yet), grouped by aggregate, each aggregate's in sequence.
         */
        public void ofTypeWithPositions(String aggregateType, LoggedSink sink) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(OF_TYPE_WITH_POSITIONS)) {
                statement.setFetchSize(FETCH);
                Jdbc.bind(statement, aggregateType);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        long position = rs.getLong(1);
                        sink.accept(new Logged(rs.wasNull() ? Long.MAX_VALUE : position,
                                upcasters.upcast(EventEnvelope.fromRow(rs, 2))));
                    }
                }
            }
        }

        /** The events after {@code from}, up to {@code to}, in position order. */
        public void between(long from, long to, Sink sink) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(AFTER)) {
                statement.setFetchSize(FETCH);
                Jdbc.bind(statement, from, to);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(upcasters.upcast(EventEnvelope.fromRow(rs, 2)));
                    }
                }
            }
        }

        /**
         * The events visible here but not in {@code sequencerSnapshot} (a {@link Head#snapshot()}):
         * committed, not numbered yet. By aggregate, each aggregate's in sequence.
         */
        public void unsequenced(String sequencerSnapshot, Sink sink) throws SQLException {
            stream(UNSEQUENCED, sink, sequencerSnapshot, sequencerSnapshot);
        }

        /**
         * Every event of an aggregate type, in batches that each hold whole aggregates (each
         * aggregate's events in sequence), as a fold needs them: {@code eventId}, {@code commandId}
         * and {@code principal} are left null. The sort runs with {@code work_mem} raised for this
         * transaction only ({@link #SORT_MEMORY}): with the default 4 MB, sorting a million events
         * spills to disk.
         */
        public void ofTypeToFold(String aggregateType, BatchSink sink) throws SQLException {
            Jdbc.query(connection, "SELECT set_config('work_mem', ?, true)", SORT_MEMORY);
            stream(List.of(new Part(connection, OF_TYPE_TO_FOLD, rs -> new EventEnvelope(null, rs.getString(1),
                    aggregateType, Jdbc.uuid(rs, 2), rs.getInt(3), Jdbc.instant(rs, 4), null, null, rs.getInt(5),
                    JsonSupport.parseObject(rs.getString(6))), aggregateType)), sink);
        }

        private void stream(String sql, Sink sink, Object... parameters) throws SQLException {
            stream(List.of(new Part(connection, sql, rs -> EventEnvelope.fromRow(rs, 1), parameters)), batch -> {
                for (EventEnvelope event : batch) {
                    sink.accept(event);
                }
            });
        }

        /**
         * Streams queries' events to {@code sink} in stages: a managed thread per query fetches rows
         * and parses their JSON while this one upcasts them and hands them on (a rebuild folds
         * them). A batch ends at an aggregate's end. The readers wait when a few batches are ahead.
         */
        private void stream(List<Part> parts, BatchSink sink) throws SQLException {
            BlockingQueue<List<EventEnvelope>> batches = new ArrayBlockingQueue<>(8);
            AtomicBoolean stopped = new AtomicBoolean();
            List<FutureTask<Void>> readers = new ArrayList<>();
            for (Part part : parts) {
                FutureTask<Void> reading = new FutureTask<>(() -> {
                    try {
                        read(part, batches, stopped);
                    } finally {
                        hand(batches, END, stopped);
                    }
                    return null;
                });
                readers.add(reading);
                threads.newThread(reading).start();
            }
            try {
                for (int ended = 0; ended < parts.size(); ) {
                    List<EventEnvelope> batch = take(batches);
                    if (batch == END) {
                        ended++;
                        continue;
                    }
                    List<EventEnvelope> upcast = new ArrayList<>(batch.size());
                    for (EventEnvelope event : batch) {
                        upcast.add(upcasters.upcast(event));
                    }
                    sink.accept(upcast);
                }
            } finally {
                stopped.set(true);
                batches.clear();
                for (FutureTask<Void> reading : readers) {
                    finish(reading);
                }
            }
        }
    }

    /** Makes the event of a result set's current row. */
    @FunctionalInterface
    private interface RowReader {
        EventEnvelope read(ResultSet rs) throws SQLException;
    }

    /** One query of a {@link Snapshot}'s stream, on its connection. */
    private record Part(Connection connection, String sql, RowReader rows, Object... parameters) { }

    private static void read(Part part, BlockingQueue<List<EventEnvelope>> batches, AtomicBoolean stopped)
            throws SQLException, InterruptedException {
        try (PreparedStatement statement = part.connection().prepareStatement(part.sql())) {
            statement.setFetchSize(FETCH);
            Jdbc.bind(statement, part.parameters());
            try (ResultSet rs = statement.executeQuery()) {
                List<EventEnvelope> batch = new ArrayList<>(RAW_BATCH);
                while (rs.next()) {
                    EventEnvelope event = part.rows().read(rs);
                    if (batch.size() >= RAW_BATCH
                            && !batch.get(batch.size() - 1).aggregateId().equals(event.aggregateId())) {
                        if (!hand(batches, batch, stopped)) {
                            return;
                        }
                        batch = new ArrayList<>(RAW_BATCH);
                    }
                    batch.add(event);
                }
                if (!batch.isEmpty()) {
                    hand(batches, batch, stopped);
                }
            }
        }
    }

    /** Receives events in batches. */
    @FunctionalInterface
    public interface BatchSink {
        void accept(List<EventEnvelope> events) throws SQLException;
    }

    /** Work on a {@link Snapshot}. */
    @FunctionalInterface
    public interface SnapshotWork<T> {
        T on(Snapshot snapshot) throws SQLException;
    }

    /**
     * Runs {@code work} in one repeatable-read, read-only transaction: everything it reads is the
     * store as of one moment. A read-only transaction takes no transaction id, so a long one does
     * not hold back the sequencer.
     */
    public <T> T inSnapshot(SnapshotWork<T> work) throws SQLException {
        return Jdbc.inTransaction(eventStore, connection -> {
            Jdbc.update(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            return work.on(new Snapshot(connection));
        });
    }
}
