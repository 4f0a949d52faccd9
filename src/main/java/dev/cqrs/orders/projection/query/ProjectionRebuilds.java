package dev.cqrs.orders.projection.query;

import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.events.EventLog;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
 * Rebuilds a view from the event store while the live projections keep the current one up to date
 * and queries keep reading it:
 * <ol>
 *   <li>fold the whole store, as of one snapshot, in memory ({@link ReadModelFold}) and write the
 *       rows into an empty shadow table (batched inserts), then give it the view's indexes;</li>
 *   <li>catch up: fold the events numbered since (by global position) and upsert what changed,
 *       until the shadow is a few hundred events behind;</li>
 *   <li>in one read_db transaction that first takes the read models' exclusive lock (live
 *       projections take it shared, so they pause and nothing is applied to the old view from
 *       here on): fold the last events, including those committed but not numbered yet, upsert
 *       them, and swap the shadow in by renames. An event the old view had is in the store, so in
 *       the new one; an event delivered afterwards is a duplicate for the new one.</li>
 * </ol>
 * Rebuilding {@code order_views} recomputes {@code user_summaries} and {@code product_sales} from
 * the new view in the swap's transaction (their deltas were computed against the old one);
 * rebuilding either counter does the same for both, from the current {@code order_views}.
 * Reading write_db and writing read_db happen in separate transactions (two non-XA pools).
 */
@ApplicationScoped
public class ProjectionRebuilds {

    private static final Logger LOG = Logger.getLogger(ProjectionRebuilds.class.getName());

    /** Every view, by name: a rebuild and the status list know these. */
    public static final List<String> NAMES = List.of("order_views", "product_views", "user_views", "user_summaries",
            "product_sales");

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

    private static final String[] RECOUNT = {
        "LOCK TABLE counter_deltas, user_summaries, product_sales IN SHARE ROW EXCLUSIVE MODE",
        "DELETE FROM counter_deltas",
        "DELETE FROM user_summaries",
        """
        INSERT INTO user_summaries (user_id, pending, confirmed, shipped, cancelled, total_spent)
        SELECT user_id,
               count(*) FILTER (WHERE status = 'PENDING'),
               count(*) FILTER (WHERE status = 'CONFIRMED'),
               count(*) FILTER (WHERE status = 'SHIPPED'),
               count(*) FILTER (WHERE status = 'CANCELLED'),
               coalesce(sum(total_price) FILTER (WHERE status <> 'CANCELLED'), 0)
        FROM order_views GROUP BY user_id""",
        "DELETE FROM product_sales",
        """
        INSERT INTO product_sales (product_id, units_sold, revenue)
        SELECT product_id,
               coalesce(sum(quantity) FILTER (WHERE status <> 'CANCELLED'), 0),
               coalesce(sum(total_price) FILTER (WHERE status <> 'CANCELLED'), 0)
        FROM order_views GROUP BY product_id"""
    };

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
    EventLog eventLog;

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
     * Starts a rebuild of {@code name} in the background; answers false if one is running (here or
     * on another instance).
     */
    public boolean start(String name) throws SQLException {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no view is named " + name);
        }
        int claimed;
        try (Connection connection = readDb.getConnection()) {
            claimed = Jdbc.update(connection, CLAIM, name, staleAfterSeconds);
        }
        if (claimed == 0) {
            return false;
        }
        executor.submit(() -> run(name));
        return true;
    }

    private void run(String name) {
        long started = System.nanoTime();
        try {
            ViewTables view = ViewTables.named(name);
            if (view == null) {
                underExclusiveLock(ProjectionRebuilds::recount);
            } else {
                rebuild(name, view, started);
            }
            finish(name, "done", null);
            LOG.info(() -> name + " rebuilt in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (Exception | OutOfMemoryError e) {
            LOG.log(Level.SEVERE, "rebuilding " + name + " failed; the live view is unchanged", e);
            try {
                finish(name, "failed", e.toString());
            } catch (SQLException again) {
                LOG.log(Level.WARNING, "recording that the rebuild of " + name + " failed failed too: " + again);
            }
        }
    }

    private void rebuild(String name, ViewTables view, long started) throws SQLException {
        // Only order_views needs the orders (and then the products and customers for their names).
        ReadModelFold fold = new ReadModelFold(view == ViewTables.ORDER_VIEWS ? ReadModelFold.Limits.NONE
                : (type, id) -> type.equals(OrderEvents.AGGREGATE_TYPE) ? 0 : Integer.MAX_VALUE);
        try (Progress progress = new Progress(name, started)) {
            rebuild(name, view, fold, progress);
        }
    }

    private void rebuild(String name, ViewTables view, ReadModelFold fold, Progress progress) throws SQLException {
        Jdbc.inTransaction(readDb, connection -> {
            view.createShadow(connection);
            return null;
        });
        // 1. Everything up to one snapshot, into the shadow. The store comes grouped by aggregate, so
        // an order's row is complete when the next order's events begin: rows are written in
        // batches by a second thread while this one goes on reading and folding.
        long phase = System.nanoTime();
        ShadowWriter writer = new ShadowWriter(view);
        FutureTask<Long> written = new FutureTask<>(writer);
        threads.newThread(written).start();
        EventLog.Head bulk;
        try {
            bulk = eventLog.inSnapshot(snapshot -> {
                EventLog.Head head = snapshot.head();
                progress.expected = head.position();
                EventLog.Sink sink = event -> {
                    fold.apply(event);
                    progress.maybeBeat(fold.events(), 0.85, head.position());
                };
                snapshot.ofType(ProductEvents.AGGREGATE_TYPE, sink);
                snapshot.ofType(CustomerEvents.AGGREGATE_TYPE, sink);
                if (view == ViewTables.ORDER_VIEWS) {
                    fold.takeChangedOrders();
                    snapshot.ofTypeToFold(OrderEvents.AGGREGATE_TYPE, events -> {
                        for (EventEnvelope event : events) {
                            sink.accept(event);
                        }
                        // A batch holds whole orders: their rows are final (names and e-mails were
                        // folded first).
                        for (Object row : fold.takeChangedOrders()) {
                            writer.add(row);
                        }
                    });
                } else {
                    for (Object row : view.rows(fold, false)) {
                        writer.add(row);
                    }
                }
                return head;
            });
        } finally {
            writer.close();
        }
        long rows = waitFor(written);
        requireNoneWaiting(fold);
        view.rows(fold, true);
        LOG.info(() -> name + " rebuild: " + fold.events() + " events folded, " + rows + " rows written in "
                + (System.nanoTime() - phase) / 1_000_000 + " ms");
        progress.beat(fold.events(), 90, bulk.position());
        long indexing = System.nanoTime();
        Jdbc.inTransaction(readDb, connection -> {
            view.indexShadow(connection);
            return null;
        });
        LOG.info(() -> name + " rebuild: indexes made in " + (System.nanoTime() - indexing) / 1_000_000 + " ms");
        // 2. Catch up with what live projections applied meanwhile, by global position.
        long position = bulk.position();
        for (EventLog.Head head = eventLog.head(); head.position() - position > catchUpUntil; head = eventLog.head()) {
            long from = position;
            long to = head.position();
            eventLog.inSnapshot(snapshot -> {
                snapshot.between(from, to, fold::apply);
                return null;
            });
            Jdbc.inTransaction(readDb, connection -> {
                view.write(connection, view.shadow(), view.rows(fold, true), true);
                return null;
            });
            position = to;
            progress.beat(fold.events(), 95, position);
        }
        // 3. The rest, and the swap, with live projections paused.
        long caughtUp = position;
        long[] last = {position};
        underExclusiveLock(connection -> {
            EventLog.Head head = eventLog.inSnapshot(snapshot -> {
                EventLog.Head now = snapshot.head();
                snapshot.between(caughtUp, now.position(), fold::apply);
                snapshot.unsequenced(now.snapshot(), fold::apply);
                return now;
            });
            requireNoneWaiting(fold);
            view.write(connection, view.shadow(), view.rows(fold, true), true);
            view.swap(connection);
            if (view == ViewTables.ORDER_VIEWS) {
                recount(connection);
            }
            last[0] = head.position();
        });
        progress.beat(fold.events(), 100, last[0]);
    }

    /** After a whole snapshot, or before the swap: an order event still waiting is a gap in the store. */
    private static void requireNoneWaiting(ReadModelFold fold) {
        if (fold.waiting() > 0) {
            throw new IllegalStateException(fold.waiting() + " order event(s) without their predecessors in the event store");
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
     * Writes rows into a view's shadow table on a thread of its own, a batch per statement, each
     * statement committed on its own (the shadow is nobody's view yet; a failed rebuild drops it).
     * At most a few batches wait, so a fast reader waits for a slow writer instead of filling memory.
     */
    private final class ShadowWriter implements Callable<Long> {
        private static final List<Object> END = new ArrayList<>();
        private final ViewTables view;
        private final BlockingQueue<List<Object>> batches = new ArrayBlockingQueue<>(4);
        private List<Object> batch = new ArrayList<>(ViewTables.BATCH);
        private volatile boolean failed;

        ShadowWriter(ViewTables view) {
            this.view = view;
        }

        void add(Object row) throws SQLException {
            batch.add(row);
            if (batch.size() >= ViewTables.BATCH) {
                hand(batch);
                batch = new ArrayList<>(ViewTables.BATCH);
            }
        }

        /** Hands over the last rows and the end mark. */
        void close() throws SQLException {
            if (!batch.isEmpty()) {
                hand(batch);
            }
            hand(END);
        }

        private void hand(List<Object> rows) throws SQLException {
            try {
                while (!batches.offer(rows, 100, TimeUnit.MILLISECONDS)) {
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
                for (List<Object> rows = batches.take(); rows != END; rows = batches.take()) {
                    view.write(connection, view.shadow(), rows, false);
                    written += rows.size();
                }
            } catch (Exception e) {
                failed = true;
                throw e;
            }
            return written;
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

    /** {@code user_summaries} and {@code product_sales} recomputed from {@code order_views}. */
    private static void recount(Connection connection) throws SQLException {
        for (String statement : RECOUNT) {
            Jdbc.update(connection, statement);
        }
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
            beats = scheduler.scheduleWithFixedDelay(this::beatQuietly, 1, 1, TimeUnit.SECONDS);
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

        private void beatQuietly() {
            try {
                write();
            } catch (SQLException e) {
                LOG.fine(() -> "rebuild heartbeat of " + name + " failed: " + e);
            }
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
