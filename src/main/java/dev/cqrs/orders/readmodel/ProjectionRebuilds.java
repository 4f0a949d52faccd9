package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.eventstore.EventLog;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Rebuilds a projection's tables from the event store while the live projection keeps the current
 * ones up to date and queries keep reading them:
 * <ol>
 *   <li>replay the events it reads, as of one snapshot, in memory ({@link Replay}: the projection's
 *       own {@code apply}) and write the rows into empty shadow tables (batched inserts, on a second
 *       thread while the replay goes on), then give them the tables' indexes;</li>
 *   <li>catch up: replay the events numbered since (by global position) and upsert what changed,
 *       until the shadows are a few hundred events behind;</li>
 *   <li>in one read_db transaction that first takes the read models' exclusive lock (live
 *       projections take it shared, so they pause and nothing is applied to the old tables from
 *       here on): replay the last events, including those committed but not numbered yet, upsert
 *       them, and swap the shadows in by renames. An event the old tables had is in the store, so
 *       in the new ones; an event delivered afterwards is a duplicate for the new ones.</li>
 * </ol>
 * Reading write_db and writing read_db happen in separate transactions (two non-XA pools).
 */
@ApplicationScoped
public class ProjectionRebuilds {

    private static final Logger LOG = Logger.getLogger(ProjectionRebuilds.class.getName());

    /** Live projections take this lock shared, in every transaction, before anything else. */
    public static final String SHARED_LOCK = "pg_advisory_xact_lock_shared(1, 1)";
    private static final String EXCLUSIVE_LOCK = "SELECT pg_advisory_xact_lock(1, 1)";

    private static final String CLAIM = """
            INSERT INTO projection_rebuilds AS r (name, state, started_at, heartbeat_at)
            VALUES (?, 'rebuilding', clock_timestamp(), clock_timestamp())
            ON CONFLICT (name) DO UPDATE
            SET state = 'rebuilding', started_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
                finished_at = NULL, events = 0, events_expected = 0, progress = 0, events_per_second = 0,
                position = 0, error = NULL
            WHERE r.state <> 'rebuilding' OR r.heartbeat_at < clock_timestamp() - make_interval(secs => ?)""";

    private static final String BEAT = """
            UPDATE projection_rebuilds
            SET heartbeat_at = clock_timestamp(), events = ?, events_expected = ?, progress = ?,
                events_per_second = ?, position = ?
            WHERE name = ? AND state = 'rebuilding'""";

    private static final String FINISH = """
            UPDATE projection_rebuilds
            SET state = ?, finished_at = clock_timestamp(), heartbeat_at = clock_timestamp(), error = ?
            WHERE name = ?""";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    // The shadow writer gets a thread of its own (the rebuild itself holds one of the executor's).
    @Resource
    ManagedThreadFactory threads;

    @Inject
    ViewCache cache;

    @Inject
    EventLog eventLog;

    @Inject
    Projections projections;

    @Inject
    @ConfigProperty(name = "cqrs.rebuild.catch-up-until-events", defaultValue = "500")
    long catchUpUntil;

    @Inject
    @ConfigProperty(name = "cqrs.rebuild.stale-after-seconds", defaultValue = "30")
    int staleAfterSeconds;

    /** After how long without a heartbeat a rebuild counts as stopped. */
    public int staleAfterSeconds() {
        return staleAfterSeconds;
    }

    /**
     * Starts a rebuild of the projection that owns the view {@code viewName} in the background;
     * answers false if one is running (here or on another instance).
     */
    public boolean start(String viewName) throws SQLException {
        Projection projection = projections.owning(viewName)
                .orElseThrow(() -> new IllegalArgumentException("no view is named " + viewName));
        int claimed;
        try (Connection connection = readDb.getConnection()) {
            claimed = Jdbc.update(connection, CLAIM, projection.name(), staleAfterSeconds);
        }
        if (claimed == 0) {
            return false;
        }
        executor.submit(() -> run(projection));
        return true;
    }

    private void run(Projection projection) {
        String name = projection.name();
        long started = System.nanoTime();
        try {
            try (Progress progress = new Progress(name, started)) {
                rebuild(projection, progress);
            }
            finish(name, "done", null);
            LOG.info(() -> name + " rebuilt in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (Exception | OutOfMemoryError e) {
            LOG.log(Level.SEVERE, "rebuilding " + name + " failed; the live tables are unchanged", e);
            try {
                finish(name, "failed", e.toString());
            } catch (SQLException again) {
                LOG.log(Level.WARNING, "recording that the rebuild of " + name + " failed failed too: " + again);
            }
        }
    }

    private void rebuild(Projection projection, Progress progress) throws SQLException {
        String name = projection.name();
        List<ViewTable<?>> tables = projection.tables();
        Jdbc.inTransaction(readDb, connection -> {
            for (ViewTable<?> table : tables) {
                ShadowTables.create(connection, table);
            }
            return null;
        });
        Replay replay = new Replay(projection, Replay.Admission.ALL);
        // 1. Everything up to one snapshot, into the shadows. Rows are written in batches by a second
        // thread while this one goes on reading and replaying; a row is inserted once, and one that
        // changes again after that is upserted once the shadow has its keys (below).
        long phase = System.nanoTime();
        ShadowWriter writer = new ShadowWriter();
        FutureTask<Long> written = new FutureTask<>(writer);
        threads.newThread(written).start();
        Map<ViewTable<?>, Set<Object>> inserted = new HashMap<>();
        Map<ViewTable<?>, Set<Object>> rewritten = new HashMap<>();
        EventLog.Head bulk;
        try {
            bulk = eventLog.inSnapshot(snapshot -> {
                EventLog.Head head = snapshot.head();
                progress.expected = head.position();
                for (String type : projection.aggregateTypes()) {
                    snapshot.ofTypeToFold(type, events -> {
                        for (EventEnvelope event : events) {
                            replay.accept(event);
                        }
                        progress.maybeBeat(replay.events(), 0.85, head.position());
                        for (ViewTable<?> table : tables) {
                            handFresh(writer, replay.views().of(table), inserted.computeIfAbsent(table, t -> new HashSet<>()),
                                    rewritten.computeIfAbsent(table, t -> new HashSet<>()));
                        }
                    });
                }
                return head;
            });
        } finally {
            writer.close();
        }
        long rows = waitFor(written);
        requireNoneWaiting(replay);
        LOG.info(() -> name + " rebuild: " + replay.events() + " events replayed, " + rows + " rows written in "
                + (System.nanoTime() - phase) / 1_000_000 + " ms");
        progress.beat(replay.events(), 90, bulk.position());
        long indexing = System.nanoTime();
        Jdbc.inTransaction(readDb, connection -> {
            for (ViewTable<?> table : tables) {
                ShadowTables.index(connection, table);
                upsert(connection, replay.views().of(table), rewritten.get(table));
            }
            return null;
        });
        LOG.info(() -> name + " rebuild: indexes made in " + (System.nanoTime() - indexing) / 1_000_000 + " ms");
        // 2. Catch up with what live projections applied meanwhile, by global position.
        long position = bulk.position();
        for (EventLog.Head head = eventLog.head(); head.position() - position > catchUpUntil; head = eventLog.head()) {
            long from = position;
            long to = head.position();
            eventLog.inSnapshot(snapshot -> {
                snapshot.between(from, to, replay::accept);
                return null;
            });
            Jdbc.inTransaction(readDb, connection -> {
                writeChanged(connection, replay, tables);
                return null;
            });
            position = to;
            progress.beat(replay.events(), 95, position);
        }
        // 3. The rest, and the swap, with live projections paused.
        long caughtUp = position;
        long[] last = {position};
        underExclusiveLock(connection -> {
            EventLog.Head head = eventLog.inSnapshot(snapshot -> {
                EventLog.Head now = snapshot.head();
                snapshot.between(caughtUp, now.position(), replay::accept);
                snapshot.unsequenced(now.snapshot(), replay::accept);
                return now;
            });
            requireNoneWaiting(replay);
            writeChanged(connection, replay, tables);
            for (ViewTable<?> table : tables) {
                ShadowTables.swap(connection, table);
            }
            last[0] = head.position();
        });
        cache.replaced(tables);
        progress.beat(replay.events(), 100, last[0]);
    }

    /** Hands the rows changed since the last batch to the writer, if new; else notes them for an upsert. */
    private static <R extends Record> void handFresh(ShadowWriter writer, MemoryViews.Table<R> rows,
                                                     Set<Object> inserted, Set<Object> rewritten)
            throws SQLException {
        List<R> fresh = new ArrayList<>();
        for (R row : rows.takeChanged()) {
            Object key = rows.table().keyOf(row);
            if (inserted.add(key)) {
                fresh.add(row);
            } else {
                rewritten.add(key);
            }
        }
        if (!fresh.isEmpty()) {
            writer.add(rows.table(), fresh);
        }
    }

    private static <R extends Record> void upsert(Connection connection, MemoryViews.Table<R> rows, Set<Object> keys)
            throws SQLException {
        if (keys == null || keys.isEmpty()) {
            return;
        }
        List<R> current = new ArrayList<>(keys.size());
        for (Object key : keys) {
            rows.get(key).ifPresent(current::add);
        }
        ShadowTables.write(connection, rows.table(), current, true);
    }

    private static void writeChanged(Connection connection, Replay replay, List<ViewTable<?>> tables) throws SQLException {
        for (ViewTable<?> table : tables) {
            writeChanged(connection, replay.views().of(table));
        }
    }

    private static <R extends Record> void writeChanged(Connection connection, MemoryViews.Table<R> rows) throws SQLException {
        ShadowTables.write(connection, rows.table(), rows.takeChanged(), true);
    }

    /** After a whole snapshot, or before the swap: an order event still waiting is a gap in the store. */
    private static void requireNoneWaiting(Replay replay) {
        if (replay.waiting() > 0) {
            throw new IllegalStateException(replay.waiting() + " event(s) without their predecessors in the event store");
        }
    }

    private static long waitFor(Future<Long> written) throws SQLException {
        try {
            return written.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the shadow table", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("writing the shadow table failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Writes rows into shadow tables on a thread of its own, a batch per statement, each statement
     * committed on its own (a shadow is nobody's table yet; a failed rebuild drops it). At most a
     * few batches wait, so a fast reader waits for a slow writer instead of filling memory.
     */
    private final class ShadowWriter implements Callable<Long> {
        private record Batch(ViewTable<?> table, List<?> rows) { }

        private static final Batch END = new Batch(null, List.of());
        private final BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(4);
        private volatile boolean failed;

        void add(ViewTable<?> table, List<?> rows) throws SQLException {
            for (int from = 0; from < rows.size(); from += ShadowTables.BATCH) {
                hand(new Batch(table, rows.subList(from, Math.min(rows.size(), from + ShadowTables.BATCH))));
            }
        }

        /** Hands over the end mark. */
        void close() throws SQLException {
            hand(END);
        }

        private void hand(Batch batch) throws SQLException {
            try {
                while (!batches.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                    if (failed) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while handing rows to the shadow writer", e);
            }
        }

        @Override
        public Long call() throws Exception {
            long written = 0;
            try (Connection connection = readDb.getConnection()) {
                for (Batch batch = batches.take(); batch != END; batch = batches.take()) {
                    write(connection, batch.table(), batch.rows());
                    written += batch.rows().size();
                }
            } catch (Exception e) {
                failed = true;
                throw e;
            }
            return written;
        }

        @SuppressWarnings("unchecked")
        private <R extends Record> void write(Connection connection, ViewTable<R> table, List<?> rows) throws SQLException {
            ShadowTables.write(connection, table, (List<R>) rows, false);
        }
    }

    @FunctionalInterface
    private interface LockedWork {
        void on(Connection connection) throws SQLException;
    }

    private void underExclusiveLock(LockedWork work) throws SQLException {
        Jdbc.inTransaction(readDb, connection -> {
            Jdbc.query(connection, EXCLUSIVE_LOCK);
            work.on(connection);
            return null;
        });
    }

    private void finish(String name, String state, String error) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            Jdbc.update(connection, FINISH, state, error, name);
        }
    }

    /**
     * Progress of one rebuild: the rebuild notes where it is (cheap, any number of times), and a
     * scheduled task writes it to {@code projection_rebuilds} every second: the heartbeat goes on
     * through every phase, index building included.
     */
    private final class Progress implements AutoCloseable {
        private final String name;
        private final long started;
        private volatile long expected;
        private volatile long events;
        private volatile double percent;
        private volatile long position;
        private final ScheduledFuture<?> beats;

        Progress(String name, long started) {
            this.name = name;
            this.started = started;
            beats = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "the rebuild heartbeat of " + name, this::write),
                    1, 1, TimeUnit.SECONDS);
        }

        /** Notes progress within a phase that ends at {@code share} (0-1) of the whole. */
        void maybeBeat(long folded, double share, long at) {
            long all = expected;
            note(folded, all == 0 ? 0 : Math.min(share * 100 * folded / all, share * 100), at);
        }

        void note(long folded, double percentDone, long at) {
            events = folded;
            percent = percentDone;
            position = at;
        }

        /** Notes progress and writes it now. */
        void beat(long folded, double percentDone, long at) throws SQLException {
            note(folded, percentDone, at);
            write();
        }

        private synchronized void write() throws SQLException {
            double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-3);
            try (Connection connection = readDb.getConnection()) {
                Jdbc.update(connection, BEAT, events, expected, Math.round(percent * 100) / 100.0, events / seconds,
                        position, name);
            }
        }

        @Override
        public void close() {
            beats.cancel(false);
        }
    }
}
