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

    /** Whether changes after {@code position} were deleted by the retention sweep (a follower resumed there missed them). */
    public boolean forgotten(Position position) {
        try (Connection connection = readDb.getConnection()) {
            Object[] row = Jdbc.query(connection, FORGOTTEN).get(0);
            return new Position(Long.parseLong((String) row[0]), ((Number) row[1]).longValue()).compareTo(position) > 0;
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
     * instances' projections wait for the next tick.
     */
    public void nudge() {
        if (ticks != null && !ticks.isDone() && nudged.compareAndSet(false, true)) {
            try {
                scheduler.execute(new QuietRepeat(LOG, "following view_changes", () -> {
                    nudged.set(false);
                    tick();
                }));
            } catch (RuntimeException e) {
                nudged.set(false); // shutting down: the ticks stop too
            }
        }
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

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <R extends Record> void tick(ViewTable<R> table, Set<Follower<?>> following) throws SQLException {
        Optional<Position> least = following.stream().filter(Follower::hasRoom).map(Follower::position)
                .min(Position::compareTo);
        if (least.isEmpty()) {
            // Every follower's reader is behind: nothing to read for now (they may be dropped).
            following.removeIf(follower -> !((Follower) follower).take(List.of(), follower.position()));
            return;
        }
        Position from = least.get();
        List<Position> positions = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<Integer> versions = new ArrayList<>();
        List<R> logged = new ArrayList<>();
        Map<UUID, R> rows = new HashMap<>();
        try (Connection connection = readDb.getConnection()) {
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
                        logged.add(rs.getBoolean(5) ? table.read(rs, 6) : null);
                    }
                }
            }
            // Changes that carry no row (of a table that is not pushed, or from before read V11): the row as it is now.
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
        Position upTo = positions.isEmpty() ? null : positions.get(positions.size() - 1);
        for (Follower follower : following) {
            Position at = follower.position();
            // A follower without room, or behind where this read started, gets nothing this time.
            boolean reached = follower.hasRoom() && at.compareTo(from) >= 0;
            List<Changed<R>> after = !reached ? List.of()
                    : changes.stream().filter(c -> c.position().compareTo(at) > 0).toList();
            boolean stays = follower.take(after, !reached || upTo == null || upTo.compareTo(at) < 0 ? at : upTo);
            if (!stays) {
                following.remove(follower);
            }
        }
    }
}
