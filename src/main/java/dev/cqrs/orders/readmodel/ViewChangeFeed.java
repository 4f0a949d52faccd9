package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The changes of rows read by key, in {@code view_changes}'s one order, for whoever follows them
 * (server-sent events): every {@code cqrs.streams.poll-interval-ms} (50), and at once after this
 * instance's projection committed a change ({@link #nudge}), while anyone follows, one
 * statement per table reads the changes after the furthest-behind follower's position, in {@code
 * (tx, seq)} order and only of transactions older than every one still running ({@code
 * pg_snapshot_xmin}): a change committed later can then never come before one already handed out,
 * so a position is a resumable cursor, the same on every instance. Each change of a pushed table
 * ({@link ViewTable#pushed}) comes with its row as the projection wrote it ({@code row_data}, read
 * back through the table's column types): every change is one, with its own version. A change
 * that carries no row (a table that is not pushed, or one written before read V11) comes with its
 * row as it is now, and is left out when the row has since moved past it (the later change carries
 * the row). Changes of every instance's projections are there: the feed reads the table they all
 * write.
 */
@ApplicationScoped
public class ViewChangeFeed {

    private static final Logger LOG = Logger.getLogger(ViewChangeFeed.class.getName());
    private static final int BATCH = 2000;
    // Reads per tick when the first ones were full batches (followers far apart).
    private static final int ROUNDS_PER_TICK = 4;
    private static final Pattern ID = Pattern.compile("([0-9]{1,18})-([0-9]{1,18})");

    /** A place in {@code view_changes}: its event id on a stream is {@code <tx>-<seq>}. */
    public record Position(long tx, long seq) implements Comparable<Position> {

        /** The position an event id names; empty when it is not one. */
        public static Optional<Position> parse(String id) {
            Matcher matcher = ID.matcher(id.strip());
            return matcher.matches() ? Optional.of(new Position(Long.parseLong(matcher.group(1)),
                    Long.parseLong(matcher.group(2)))) : Optional.empty();
        }

        public String id() {
            return tx + "-" + seq;
        }

        @Override
        public int compareTo(Position other) {
            int byTx = Long.compare(tx, other.tx);
            return byTx != 0 ? byTx : Long.compare(seq, other.seq);
        }
    }

    /** A change: where it is, and its row as the change wrote it (or, if it carries none, as it is now). */
    public record Changed<R>(Position position, R row) {
    }

    /** Who follows a table's changes from a position on (a stream). */
    public interface Follower<R extends Record> {

        /** Where it is: it gets the changes after this. */
        Position position();

        /**
         * Whether it can take a change now. One that cannot (its reader is behind) does not hold
         * back where the feed reads from; it gets nothing until it can, then the changes after its
         * own position.
         */
        boolean hasRoom();

        /**
         * The changes after its position, up to {@code upTo}, in order (none on most ticks): it
         * takes those it has room for and moves its position past them (to {@code upTo} when it
         * took all). Called on the feed's thread: it must not block. False: it is gone.
         */
        boolean take(List<Changed<R>> changes, Position upTo);

        /**
         * The retention sweep deleted changes after its position, up to {@code forgotten}: it must say
         * so (a gap) and go on from there, or end. False: it is gone.
         */
        boolean missed(Position forgotten);

        /** Ends it (it failed on the feed's thread). */
        void close();
    }

    private static final String WHERE = """
             WHERE changes.view_table = ? AND (changes.tx, changes.seq) > (CAST(? AS xid8), ?)
              AND changes.tx < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY changes.tx, changes.seq LIMIT""" + " " + BATCH;
    private static final String NOW = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text";
    private static final String FORGOTTEN = "SELECT tx::text, seq FROM view_changes_forgotten";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "cqrs.streams.poll-interval-ms", defaultValue = "50")
    long pollIntervalMs;

    private final Map<ViewTable<?>, Set<Follower<?>>> followers = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> ticks;
    private final AtomicBoolean nudged = new AtomicBoolean();
    private final Object looking = new Object();

    /** The position of a follower that starts now: every change committed from here on comes after it. */
    public Position now() {
        try (Connection connection = readDb.getConnection()) {
            return new Position(Long.parseLong((String) Jdbc.query(connection, NOW).get(0)[0]), 0);
        } catch (SQLException e) {
            throw new IllegalStateException("reading where view_changes is failed", e);
        }
    }

    /** The newest change the retention sweep deleted: a follower behind it missed changes. */
    public Position forgotten() {
        try (Connection connection = readDb.getConnection()) {
            return forgotten(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("reading what view_changes forgot failed", e);
        }
    }

    public <R extends Record> void follow(ViewTable<R> table, Follower<R> follower) {
        if (!table.isReadByKey()) {
            throw new IllegalArgumentException(table + " writes no view_changes");
        }
        followers.computeIfAbsent(table, t -> ConcurrentHashMap.newKeySet()).add(follower);
        startTicking();
    }

    public void unfollow(Follower<?> follower) {
        followers.values().forEach(set -> set.remove(follower));
    }

    private synchronized void startTicking() {
        if (ticks == null || ticks.isDone()) {
            ticks = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "following view_changes", this::tick),
                    0, pollIntervalMs, TimeUnit.MILLISECONDS);
        }
    }

    void stop() {
        ScheduledFuture<?> current = ticks;
        if (current != null) {
            current.cancel(false);
        }
    }

    /**
     * This instance's projection committed changes of rows read by key: a look now rather than at
     * the next tick (at most one waits; a look in progress is followed by one more). Changes of other
     * instances' projections wait for the next tick. Nothing when no stream follows a table.
     */
    public void nudge() {
        if (ticks != null && !ticks.isDone() && followed() && nudged.compareAndSet(false, true)) {
            try {
                scheduler.execute(new QuietRepeat(LOG, "following view_changes", () -> {
                    synchronized (looking) {
                        // Cleared only once this look has the lock: nudges meanwhile wait as this one task.
                        nudged.set(false);
                        tick();
                    }
                }));
            } catch (RuntimeException e) {
                nudged.set(false); // shutting down: the ticks stop too
            }
        }
    }

    private boolean followed() {
        for (Set<Follower<?>> following : followers.values()) {
            if (!following.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** One look: never two at once (the scheduled ticks and the nudges share it). */
    private void tick() throws SQLException {
        synchronized (looking) {
            for (Map.Entry<ViewTable<?>, Set<Follower<?>>> entry : followers.entrySet()) {
                if (!entry.getValue().isEmpty()) {
                    tick(entry.getKey(), entry.getValue());
                }
            }
        }
    }

    /** The statement that reads a table's changes, each with the row it carries (columns from 6 on). */
    private static String read(ViewTable<?> table) {
        return "SELECT changes.tx::text, changes.seq, changes.row_id::text, changes.version, changes.row_data IS NOT NULL, "
                + table.loggedRowColumns() + WHERE;
    }

    /** One read of a table's changes: those it found, and the position of the last row read (null: none). */
    private record Batch<R>(List<Changed<R>> changes, Position upTo, boolean full) {
    }

    /**
     * The changes of {@code table} for its followers: a read from the furthest-behind follower that
     * has room; when that read was a full batch, more reads (a few per tick) for the followers it
     * did not reach, so that one far behind does not hold back those ahead. A follower behind what
     * the retention sweep deleted is told so ({@link Follower#missed}). A follower that fails is
     * closed, alone.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private <R extends Record> void tick(ViewTable<R> table, Set<Follower<?>> following) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            Position forgotten = forgotten(connection);
            for (Follower follower : following) {
                if (follower.position().compareTo(forgotten) < 0 && !safely(follower, f -> f.missed(forgotten))) {
                    following.remove(follower);
                }
            }
            Position from = null;
            for (int round = 0; round < ROUNDS_PER_TICK; round++) {
                Position after = from;
                Optional<Position> least = following.stream().filter(Follower::hasRoom).map(Follower::position)
                        .filter(p -> after == null || p.compareTo(after) >= 0).min(Position::compareTo);
                if (least.isEmpty()) {
                    break;
                }
                Position start = least.get();
                Batch<R> batch = read(connection, table, start);
                for (Follower follower : following) {
                    Position at = follower.position();
                    // Only followers with room at or after where this read started take from it.
                    if (follower.hasRoom() && at.compareTo(start) >= 0) {
                        List<Changed<R>> changes = batch.changes().stream()
                                .filter(c -> c.position().compareTo(at) > 0).toList();
                        Position upTo = batch.upTo() == null || batch.upTo().compareTo(at) < 0 ? at : batch.upTo();
                        if (!safely(follower, f -> f.take(changes, upTo))) {
                            following.remove(follower);
                        }
                    }
                }
                if (!batch.full()) {
                    break;
                }
                from = batch.upTo();
            }
            // The others (no room) still get their turn: a heartbeat, or being dropped as slow.
            for (Follower follower : following) {
                if (!follower.hasRoom() && !safely(follower, f -> f.take(List.of(), f.position()))) {
                    following.remove(follower);
                }
            }
        }
    }

    /** {@code call} on {@code follower}; false (and the follower closed) when it fails or is gone. */
    @SuppressWarnings("rawtypes")
    private static boolean safely(Follower follower, java.util.function.Predicate<Follower> call) {
        try {
            return call.test(follower);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "a follower of view_changes failed and is closed: " + e, e);
            try {
                follower.close();
            } catch (RuntimeException ignored) {
                // closing what failed: nothing more to do
            }
            return false;
        }
    }

    private Position forgotten(Connection connection) throws SQLException {
        Object[] row = Jdbc.query(connection, FORGOTTEN).get(0);
        return new Position(Long.parseLong((String) row[0]), ((Number) row[1]).longValue());
    }

    private <R extends Record> Batch<R> read(Connection connection, ViewTable<R> table, Position from) throws SQLException {
        List<Position> positions = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<Integer> versions = new ArrayList<>();
        List<R> logged = new ArrayList<>();
        Map<UUID, R> rows = new HashMap<>();
        try (PreparedStatement read = connection.prepareStatement(read(table))) {
            read.setString(1, table.name());
            read.setString(2, Long.toString(from.tx()));
            read.setLong(3, from.seq());
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    positions.add(new Position(Long.parseLong(rs.getString(1)), rs.getLong(2)));
                    String id = rs.getString(3);
                    ids.add(id == null ? null : UUID.fromString(id));
                    int version = rs.getInt(4);
                    versions.add(rs.wasNull() ? null : version);
                    logged.add(rs.getBoolean(5) ? loggedRow(table, rs, positions.get(positions.size() - 1)) : null);
                }
            }
        }
        // Changes that carry no row (of a table that is not pushed, from before read V11, or unreadable): the row as it is now.
        Set<UUID> wanted = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) != null && logged.get(i) == null) {
                wanted.add(ids.get(i));
            }
        }
        if (!wanted.isEmpty()) {
            for (R row : table.select(connection, "WHERE " + table.key() + " = ANY(CAST(? AS uuid[]))",
                    Jdbc.arrayLiteral(List.copyOf(wanted), false))) {
                rows.put((UUID) table.keyOf(row), row);
            }
        }
        List<Changed<R>> changes = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
            if (logged.get(i) != null) {
                changes.add(new Changed<>(positions.get(i), logged.get(i)));
                continue;
            }
            R row = ids.get(i) == null ? null : rows.get(ids.get(i));
            // Gone, or moved past this change (a later change carries it); a swap's row names no row.
            if (row != null && (versions.get(i) == null || table.versionOf(row) <= versions.get(i))) {
                changes.add(new Changed<>(positions.get(i), row));
            }
        }
        return new Batch<>(changes, positions.isEmpty() ? null : positions.get(positions.size() - 1),
                positions.size() == BATCH);
    }

    /** The row a change carries; null (the row as it is now is sent) when this version cannot read it. */
    private static <R extends Record> R loggedRow(ViewTable<R> table, ResultSet rs, Position at) {
        try {
            return table.read(rs, 6);
        } catch (SQLException | RuntimeException e) {
            LOG.warning(() -> "the row of change " + at.id() + " of " + table.name() + " cannot be read (" + e
                    + "): its row as it is now goes instead");
            return null;
        }
    }
}
