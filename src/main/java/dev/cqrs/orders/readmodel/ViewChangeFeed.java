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
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The changes of rows read by key, in {@code view_changes}'s one order, for whoever follows them
 * (server-sent events): every {@code cqrs.streams.poll-interval-ms} (50), while anyone follows, one
 * statement per table reads the changes after the furthest-behind follower's position, in {@code
 * (tx, seq)} order and only of transactions older than every one still running ({@code
 * pg_snapshot_xmin}): a change committed later can then never come before one already handed out,
 * so a position is a resumable cursor, the same on every instance. Each change comes with its row
 * as it is now; a change its row has since moved past (a higher version) is left out, as the later
 * change carries the row. Changes of every instance's projections are there: the feed reads the
 * table they all write.
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

    /** A change: where it is, and its row as it is now. */
    public record Changed<R>(Position position, R row) {
    }

    /** Who follows a table's changes from a position on (a stream). */
    public interface Follower<R extends Record> {

        /** Where it is: it gets the changes after this. */
        Position position();

        /**
         * The changes after its position, up to {@code upTo} (it is there now), in order; none on
         * most ticks. Called on the feed's thread: it must not block. False: it is gone.
         */
        boolean take(List<Changed<R>> changes, Position upTo);
    }

    private static final String READ = """
            SELECT tx::text, seq, row_id::text, version FROM view_changes
            WHERE view_table = ? AND (tx, seq) > (CAST(? AS xid8), ?) AND tx < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx, seq LIMIT""" + " " + BATCH;
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

    private void tick() throws SQLException {
        for (Map.Entry<ViewTable<?>, Set<Follower<?>>> entry : followers.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                tick(entry.getKey(), entry.getValue());
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <R extends Record> void tick(ViewTable<R> table, Set<Follower<?>> following) throws SQLException {
        Position from = following.stream().map(Follower::position).min(Position::compareTo).orElseThrow();
        List<Position> positions = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<Integer> versions = new ArrayList<>();
        Map<UUID, R> rows = new HashMap<>();
        try (Connection connection = readDb.getConnection()) {
            try (PreparedStatement read = connection.prepareStatement(READ)) {
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
                    }
                }
            }
            Set<UUID> wanted = ids.stream().filter(java.util.Objects::nonNull).collect(Collectors.toCollection(LinkedHashSet::new));
            if (!wanted.isEmpty()) {
                String array = wanted.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
                for (R row : table.select(connection, "WHERE " + table.key() + " = ANY(CAST(? AS uuid[]))", array)) {
                    rows.put((UUID) table.keyOf(row), row);
                }
            }
        }
        List<Changed<R>> changes = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
            R row = ids.get(i) == null ? null : rows.get(ids.get(i));
            // Gone, or moved past this change (a later change carries it); a swap's row names no row.
            if (row != null && (versions.get(i) == null || table.versionOf(row) <= versions.get(i))) {
                changes.add(new Changed<>(positions.get(i), row));
            }
        }
        Position upTo = positions.isEmpty() ? null : positions.get(positions.size() - 1);
        for (Follower follower : following) {
            Position at = follower.position();
            List<Changed<R>> after = changes.stream().filter(c -> c.position().compareTo(at) > 0).toList();
            boolean stays = follower.take(after, upTo == null || upTo.compareTo(at) < 0 ? at : upTo);
            if (!stays) {
                following.remove(follower);
            }
        }
    }
}
