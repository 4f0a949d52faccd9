package dev.cqrs.orders.readmodel;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cqrs.orders.platform.http.Representation;
import dev.cqrs.orders.platform.json.JsonView;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.schedule.OneAtATime;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The rows clients read by key ({@code GET /orders/{id}}, {@code /products/{id}}, {@code /users/{id}}),
 * kept in memory (Caffeine: at most {@code cqrs.read-cache.max-rows}, each at most {@code
 * cqrs.read-cache.max-age-seconds}; off with {@code cqrs.read-cache.enabled=false}), and dropped
 * when they change, whichever instance's projection changed them:
 * <ul>
 *   <li>this instance's projections drop the rows they wrote once their transaction committed
 *       ({@link #changed});</li>
 *   <li>every {@code cqrs.read-cache.poll-interval-ms} (25) one statement reads the rows of {@code
 *       view_changes} committed since the last look: those whose transaction was not visible in
 *       the last look's snapshot ({@code pg_visible_in_snapshot}), so none is missed whatever order
 *       their transactions got their ids in, and none is read twice. A row without {@code row_id}
 *       (a rebuild's swap) drops the whole table.</li>
 * </ul>
 *
 * <p>A read that misses puts what it read only if nothing of its row was dropped since it began
 * (a sequence per stripe of keys, and one for whole-cache drops, taken before the read), and never
 * over a row of a higher version: a read that began before a change committed cannot put the
 * older row back after the change was dropped. Size evictions move the stripe too. A read that
 * names writes (a consistency token, {@code min_version}) reads read_db and puts what it found.
 * While the looks fail or fall behind (twenty intervals, a second at least), nothing is read from
 * or put into the cache, and it is emptied: it serves only while it is known to be in step.
 */
@ApplicationScoped
public class ViewCache {

    private static final Logger LOG = Logger.getLogger(ViewCache.class.getName());
    private static final int STRIPES = 1024;
    private static final int FORGET_BATCH = 10000;

    /** A change of a row of a table read by key; {@code rowId} null: every row of the table (a swap). */
    public record Change(String table, UUID rowId) {
    }

    private record Key(String table, UUID id) {
    }

    /** A row as read, and its answer once a GET made it (the JSON's bytes and tag, made once per row kept). */
    private static final class Entry {
        private final Record row;
        private final int version;
        private volatile Representation answer;

        Entry(Record row, int version) {
            this.row = row;
            this.version = version;
        }

        // Two requests may both make it at first: the same bytes, one kept.
        Representation answer() {
            Representation made = answer;
            if (made == null) {
                made = Representation.of(((JsonView) row).toJson());
                answer = made;
            }
            return made;
        }
    }

    private static final String FIRST_LOOK = "SELECT pg_current_snapshot()::text";
    // The changes committed since the snapshot given (once per row, whatever the ids' order), and
    // the snapshot they were read in; one row (with nulls) when there is none.
    private static final String LOOK = """
            WITH s AS (SELECT pg_current_snapshot() AS now)
            SELECT s.now::text, c.view_table, c.row_id::text
            FROM s LEFT JOIN view_changes c
              ON c.tx >= pg_snapshot_xmin(CAST(? AS pg_snapshot)) AND NOT pg_visible_in_snapshot(c.tx, CAST(? AS pg_snapshot))""";
    // A batch of changes older than the retention, and the newest of them noted as forgotten (streams resumed before it have a gap).
    private static final String FORGET = """
            WITH gone AS (
                DELETE FROM view_changes WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM view_changes WHERE changed_at < now() - make_interval(mins => ?) LIMIT 10000))
                RETURNING tx, seq),
            newest AS (SELECT tx, seq FROM gone ORDER BY tx DESC, seq DESC LIMIT 1),
            noted AS (UPDATE view_changes_forgotten f SET tx = n.tx, seq = n.seq FROM newest n
                      WHERE (n.tx, n.seq) > (f.tx, f.seq) RETURNING 1)
            SELECT count(*) FROM gone""";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "cqrs.read-cache.enabled", defaultValue = "true")
    boolean enabled;

    // An admin's switch at run time (PUT /admin/read-cache), within what the configuration enabled.
    private volatile boolean switchedOn = true;

    @Inject
    @ConfigProperty(name = "cqrs.read-cache.max-rows", defaultValue = "50000")
    long maxRows;

    @Inject
    @ConfigProperty(name = "cqrs.read-cache.max-age-seconds", defaultValue = "300")
    long maxAgeSeconds;

    @Inject
    @ConfigProperty(name = "cqrs.read-cache.poll-interval-ms", defaultValue = "25")
    long pollIntervalMs;

    @Inject
    @ConfigProperty(name = "cqrs.view-changes.retention-minutes", defaultValue = "60")
    int retentionMinutes;

    private Cache<Key, Entry> rows;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong drops = new AtomicLong();
    // The snapshot of the last look that worked (null: none since the start or a failure), and when it ended.
    private String seen;
    private volatile boolean inStep;
    private volatile long lastLookNanos;
    private long staleAfterNanos;
    private final List<ScheduledFuture<?>> runs = new ArrayList<>();

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypassed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder looks = new LongAdder();
    private final LongAdder lookFailures = new LongAdder();

    @PostConstruct
    void configure() {
        if (maxRows < 1 || maxAgeSeconds < 1 || pollIntervalMs < 1 || retentionMinutes < 1) {
            throw new IllegalStateException("cqrs.read-cache.max-rows, .max-age-seconds, .poll-interval-ms and"
                    + " cqrs.view-changes.retention-minutes must be at least 1: " + maxRows + ", " + maxAgeSeconds
                    + ", " + pollIntervalMs + ", " + retentionMinutes);
        }
        staleAfterNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1000, 20 * pollIntervalMs));
        rows = Caffeine.newBuilder()
                .maximumSize(maxRows)
                .expireAfterWrite(Duration.ofSeconds(maxAgeSeconds))
                // Synchronous, in the eviction: a read that began before can no longer put an older row.
                .evictionListener((Key key, Entry entry, RemovalCause cause) -> {
                    if (key != null) {
                        stripes.incrementAndGet(stripe(key));
                    }
                })
                .recordStats()
                .build();
    }

    /**
     * With the application (ViewCacheStartup): the looks, if the cache is on, on every query instance
     * (each keeps its own cache in step); the retention sweep on one projector instance at a time
     * ({@link OneAtATime}).
     */
    void start() {
        if (InstanceRoles.has(Role.PROJECTOR)) {
            runs.add(scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "forgetting old view changes",
                    () -> OneAtATime.run(readDb, OneAtATime.Job.VIEW_CHANGES_EXPIRY, this::forget)), 1, 1, TimeUnit.MINUTES));
        }
        if (enabled && InstanceRoles.has(Role.QUERY)) {
            runs.add(scheduler.scheduleWithFixedDelay(this::look, 0, pollIntervalMs, TimeUnit.MILLISECONDS));
        }
    }

    void stop() {
        runs.forEach(run -> run.cancel(false));
        inStep = false;
    }

    /**
     * What {@code GET} answers of the row of {@code table} with {@code id}, if {@code visible} to the
     * caller: the row from memory, or read from read_db (and kept), its JSON made once for as long as
     * it is kept. {@code fresh}: the caller names writes it must see; read from read_db whatever is kept.
     */
    public <R extends Record & JsonView> Optional<Representation> answer(ViewTable<R> table, UUID id, boolean fresh,
                                                                        Predicate<? super R> visible) {
        return entry(table, id, fresh).filter(found -> visible.test(table.type().cast(found.row))).map(Entry::answer);
    }

    private <R extends Record> Optional<Entry> entry(ViewTable<R> table, UUID id, boolean fresh) {
        if (!serving()) {
            bypassed.increment();
            return read(table, id).map(row -> new Entry(row, table.versionOf(row)));
        }
        Key key = new Key(table.name(), id);
        if (!fresh) {
            Entry kept = rows.getIfPresent(key);
            if (kept != null) {
                hits.increment();
                return Optional.of(kept);
            }
        }
        misses.increment();
        int stripe = stripe(key);
        long dropsBefore = drops.get();
        long stripeBefore = stripes.get(stripe);
        Optional<R> row = read(table, id);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Entry entry = new Entry(row.get(), table.versionOf(row.get()));
        rows.asMap().compute(key, (k, old) -> {
            if (drops.get() != dropsBefore || stripes.get(stripe) != stripeBefore) {
                refused.increment();
                return old;
            }
            return old != null && old.version >= entry.version ? old : entry;
        });
        return Optional.of(entry);
    }

    /** This instance's projection committed these changes: their rows are dropped now. */
    void changed(List<Change> changes) {
        if (enabled) {
            changes.forEach(this::drop);
        }
    }

    /** Every row of these tables is dropped (a rebuild swapped them in). */
    void replaced(List<ViewTable<?>> tables) {
        if (enabled) {
            tables.stream().filter(ViewTable::isReadByKey).forEach(table -> drop(new Change(table.name(), null)));
        }
    }

    /**
     * An admin turns the cache off (everything kept is dropped, every read goes to read_db) or on
     * again, for this instance, until it restarts; false when the configuration has it off (then
     * there is nothing to turn on: it does not follow view_changes).
     */
    public boolean switchOn(boolean on) {
        if (!enabled) {
            return false;
        }
        switchedOn = on;
        if (!on) {
            dropAll();
        }
        return true;
    }

    /** hits, misses, bypassed, refused_puts, evictions, invalidations, rows, looks, look_failures, enabled, in_step. */
    public Map<String, Object> counts() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("enabled", enabled && switchedOn);
        counts.put("in_step", serving());
        counts.put("rows", rows.estimatedSize());
        counts.put("max_rows", maxRows);
        counts.put("hits", hits.sum());
        counts.put("misses", misses.sum());
        counts.put("bypassed", bypassed.sum());
        counts.put("refused_puts", refused.sum());
        counts.put("evictions", rows.stats().evictionCount());
        counts.put("invalidations", invalidations.sum());
        counts.put("looks", looks.sum());
        counts.put("look_failures", lookFailures.sum());
        return counts;
    }

    private boolean serving() {
        return enabled && switchedOn && inStep && System.nanoTime() - lastLookNanos < staleAfterNanos;
    }

    private static int stripe(Key key) {
        return key.hashCode() & (STRIPES - 1);
    }

    private void drop(Change change) {
        invalidations.increment();
        if (change.rowId() == null) {
            drops.incrementAndGet();
            rows.asMap().keySet().removeIf(key -> key.table().equals(change.table()));
            return;
        }
        Key key = new Key(change.table(), change.rowId());
        // First the stripe, then the row: a put either sees the stripe moved, or is removed after it.
        stripes.incrementAndGet(stripe(key));
        rows.invalidate(key);
    }

    private void dropAll() {
        drops.incrementAndGet();
        rows.invalidateAll();
    }

    private <R extends Record> Optional<R> read(ViewTable<R> table, UUID id) {
        try (Connection connection = readDb.getConnection()) {
            return table.find(connection, id);
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + table.name() + " " + id + " failed", e);
        }
    }

    /** One look at view_changes; serialized, and never throws (it would end the schedule). */
    private synchronized void look() {
        try (Connection connection = readDb.getConnection()) {
            if (seen == null) {
                seen = (String) Jdbc.query(connection, FIRST_LOOK).get(0)[0];
            } else {
                String now = null;
                try (PreparedStatement statement = connection.prepareStatement(LOOK)) {
                    statement.setString(1, seen);
                    statement.setString(2, seen);
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            now = rs.getString(1);
                            String table = rs.getString(2);
                            if (table != null) {
                                String rowId = rs.getString(3);
                                drop(new Change(table, rowId == null ? null : UUID.fromString(rowId)));
                            }
                        }
                    }
                }
                seen = now;
            }
            looks.increment();
            lastLookNanos = System.nanoTime();
            if (!inStep) {
                inStep = true;
                LOG.info("the read cache follows view_changes (again): it serves");
            }
        } catch (SQLException | RuntimeException e) {
            lookFailures.increment();
            seen = null;
            if (inStep) {
                inStep = false;
                LOG.log(Level.WARNING, "the read cache cannot follow view_changes; it is emptied and reads go to read_db"
                        + " until a look works again: " + e);
            }
            dropAll();
        }
    }

    private void forget() throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            int deleted;
            do {
                deleted = ((Number) Jdbc.query(connection, FORGET, retentionMinutes).get(0)[0]).intValue();
            } while (deleted == FORGET_BATCH);
        }
    }
}
