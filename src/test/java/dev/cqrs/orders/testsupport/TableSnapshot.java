package dev.cqrs.orders.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The contents of every table of write_db and read_db at one moment, to show that a request left
 * no trace. Tables come from the catalog (a table a later migration adds, or a rebuild's shadow,
 * is included without editing a test); each one's content is its row count and a hash of its rows
 * (the sum of the md5 of each row's text, so no whole-table sort per snapshot: any inserted,
 * deleted or changed row changes it). Taken on the tests' connections ({@link TestDatabases}),
 * whose roles own their database: a table they could not read fails the snapshot, it is not skipped.
 *
 * <p>What changes by design while the app runs, and how the comparison treats it:
 * <ul>
 *   <li>{@link #AUDIT_LOG}: every command request is audited, refused ones in a transaction of their
 *       own (write V5). Allowed to change only by appending rows that are refusals (status 4xx/5xx,
 *       outcome not {@code accepted}); its earlier rows must be as they were.</li>
 *   <li>Not exempted, because a quiet "before" ({@link #whenQuiet}) leaves them still unless
 *       something was written: the sequencer's row ({@code event_sequencer}, written only when new
 *       events are committed), the projection monitor's position ({@code projection_positions},
 *       written only when it moves), counters and their deltas (folded only when deltas exist),
 *       rebuild heartbeats ({@code projection_rebuilds}, only while a rebuild runs), Flyway's
 *       history (only at start-up).</li>
 *   <li>{@link #LIMITS}, the limits' bookkeeping (issue 20): a limited caller's request spends a token of
 *       its bucket whether it is then refused or not (read_db {@code rate_limit_buckets}), and open streams
 *       hold leases ({@code open_streams}). Neither is data a request left behind: not compared.</li>
 * </ul>
 */
public final class TableSnapshot {

    /** The audit log's table, the one table a refused request may change. */
    public static final String AUDIT_LOG = "write_db.audit_log";

    /** The rate limit's buckets and the stream leases: changed by refused requests too, by design. */
    static final Set<String> LIMITS = Set.of("read_db.rate_limit_buckets", "read_db.open_streams");

    /**
     * How long the databases must stay unchanged to count as quiet: longer than the slowest writer
     * that follows a projection, the projection monitor (cqrs.projection.monitor-interval-ms, 1 s).
     */
    private static final Duration QUIET = Duration.ofMillis(1500);
    private static final Duration QUIET_AT_MOST = Duration.ofSeconds(90);

    private static final String TABLES = """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY 1, 2""";

    /** A table's content: its rows and the sum of their hashes. */
    record Content(long rows, BigDecimal hash) {
        @Override
        public String toString() {
            return rows + " rows, hash " + hash;
        }
    }

    private final Map<String, Content> tables;
    private final long lastAuditId;

    private TableSnapshot(Map<String, Content> tables, long lastAuditId) {
        this.tables = Collections.unmodifiableMap(tables);
        this.lastAuditId = lastAuditId;
    }

    /** Both databases as they are now. */
    public static TableSnapshot now() {
        Map<String, Content> tables = new TreeMap<>();
        try (Connection write = TestDatabases.write(); Connection read = TestDatabases.read()) {
            long lastAuditId = take(write, "write_db", tables, "SELECT coalesce(max(id), 0) FROM audit_log");
            take(read, "read_db", tables, "SELECT 0");
            return new TableSnapshot(tables, lastAuditId);
        } catch (SQLException e) {
            throw new IllegalStateException("taking a snapshot of write_db and read_db failed: " + e, e);
        }
    }

    /**
     * Both databases once the app has finished with earlier work (projections, relay, counter
     * folds): the first snapshot that equals the one taken {@link #QUIET} before it.
     */
    public static TableSnapshot whenQuiet() {
        AtomicReference<TableSnapshot> last = new AtomicReference<>(now());
        AtomicReference<Set<String>> moving = new AtomicReference<>(Set.of());
        try {
            return Awaitility.await("write_db and read_db unchanged for " + QUIET.toMillis() + " ms")
                    .atMost(QUIET_AT_MOST).pollDelay(QUIET).pollInterval(QUIET)
                    // A rebuild may drop a shadow between listing and reading it: that is not quiet yet.
                    .ignoreExceptionsInstanceOf(IllegalStateException.class)
                    .until(() -> {
                        TableSnapshot previous = last.get();
                        TableSnapshot current = now();
                        last.set(current);
                        moving.set(current.changesSince(previous).keySet());
                        return moving.get().isEmpty() ? current : null;
                    }, snapshot -> snapshot != null);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the databases never stayed quiet for " + QUIET.toMillis() + " ms within "
                    + QUIET_AT_MOST.toSeconds() + " s; still changing: " + moving.get(), e);
        }
    }

    /** The tables whose content differs from {@code before} (added or dropped ones too), with how. */
    public Map<String, String> changesSince(TableSnapshot before) {
        Map<String, String> changes = new TreeMap<>();
        Set<String> names = new TreeSet<>(tables.keySet());
        names.addAll(before.tables.keySet());
        names.removeAll(LIMITS);
        for (String name : names) {
            Content was = before.tables.get(name);
            Content is = tables.get(name);
            if (was == null) {
                changes.put(name, "added (" + is + ")");
            } else if (is == null) {
                changes.put(name, "dropped (was " + was + ")");
            } else if (!was.equals(is)) {
                changes.put(name, was + " -> " + is);
            }
        }
        return changes;
    }

    /**
     * Asserts that what was done since {@code before} (a quiet snapshot) left no trace in either
     * database, once the app is quiet again (so that an event written by mistake would also have
     * reached the views): no table changed, except the audit log by the refusals' own rows.
     */
    public void assertNoTraceSince(String what) {
        TableSnapshot after = whenQuiet();
        Map<String, String> changed = new TreeMap<>(after.changesSince(this));
        if (changed.remove(AUDIT_LOG) != null) {
            assertOnlyRefusalsAppendedToAuditLog(what);
        }
        assertTrue(changed.isEmpty(), what + " changed tables (audit log aside): " + changed);
    }

    /** The audit rows written since this snapshot: "status outcome method path", oldest first. */
    public List<String> auditedSince() {
        List<String> rows = new ArrayList<>();
        try (Connection write = TestDatabases.write();
             PreparedStatement statement = write.prepareStatement(
                     "SELECT status, outcome, method, path FROM audit_log WHERE id > ? ORDER BY id")) {
            statement.setLong(1, lastAuditId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the audit log failed: " + e, e);
        }
        return rows;
    }

    private void assertOnlyRefusalsAppendedToAuditLog(String what) {
        try (Connection write = TestDatabases.write()) {
            assertEquals(tables.get(AUDIT_LOG), content(write, "audit_log", "WHERE id <= " + lastAuditId),
                    what + ": the audit log's earlier rows changed");
            assertEquals(0, TestDatabases.count(write,
                            "SELECT count(*) FROM audit_log WHERE id > ? AND (outcome = 'accepted' OR status < 400)",
                            lastAuditId),
                    what + ": audited as accepted, not refused: " + auditedSince());
        } catch (SQLException e) {
            throw new IllegalStateException("reading the audit log failed: " + e, e);
        }
    }

    /**
     * Every table of one database into {@code into}, and the value {@code alsoCount} answers, all
     * in one read-only repeatable-read transaction: one moment of the database, and a table that a
     * rebuild swaps meanwhile is not half gone.
     */
    private static long take(Connection connection, String database, Map<String, Content> into, String alsoCount)
            throws SQLException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            long counted = TestDatabases.count(connection, alsoCount);
            contents(connection, database, into);
            return counted;
        } finally {
            connection.rollback();
        }
    }

    private static void contents(Connection connection, String database, Map<String, Content> into) throws SQLException {
        List<String[]> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(TABLES); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                names.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] name : names) {
            String qualified = quote(name[0]) + "." + quote(name[1]);
            String label = database + "." + (name[0].equals("public") ? "" : name[0] + ".") + name[1];
            into.put(label, content(connection, qualified, ""));
        }
    }

    private static Content content(Connection connection, String table, String where) throws SQLException {
        // The first 64 bits of each row's md5, summed as numeric (no overflow, no sort).
        String sql = "SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0) FROM "
                + table + " t " + where;
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return new Content(rs.getLong(1), rs.getBigDecimal(2));
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
