package dev.cqrs.orders.platform.consistency;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.ViewNotCaughtUpException;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How far the read side is, per aggregate, and the queries waiting for it to get further. A query
 * that names writes its view does not reflect yet registers a waiter (a future: no thread and no
 * connection of its own) and its request is suspended. One task per instance looks again for all
 * of them: at once when this instance's projection has committed ({@link #applied}), and every
 * {@code cqrs.consistency.poll-interval-ms} (25) while anyone waits, in one read_db statement for
 * every aggregate waited on, so that progress made by another instance's projection (or a rebuild's
 * swap) is seen too. Nothing runs while nobody waits.
 *
 * <p>The read side has an aggregate at a version once its view row is at it: the order's, product's
 * or customer's view (their ids never collide), written in the same transaction as every other
 * projection of the event (the summaries' and sales' deltas among them).
 */
@ApplicationScoped
public class ViewProgress {

    private static final String VERSIONS = """
            SELECT t.id, greatest(coalesce(o.version, 0), coalesce(p.version, 0), coalesce(u.version, 0))
            FROM unnest(?::uuid[]) AS t(id)
            LEFT JOIN order_views o ON o.order_id = t.id
            LEFT JOIN product_views p ON p.product_id = t.id
            LEFT JOIN user_views u ON u.user_id = t.id""";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "cqrs.consistency.poll-interval-ms", defaultValue = "25")
    long pollIntervalMs;

    @Inject
    @ConfigProperty(name = "cqrs.consistency.max-waiting", defaultValue = "10000")
    int maxWaiting;

    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ticking = new AtomicBoolean();

    private record Waiter(List<ConsistencyToken> needed, Instant deadline, Duration bound, String view,
                          CompletableFuture<Boolean> done) {

        boolean reflectedIn(Map<UUID, Integer> versions) {
            return needed.stream().allMatch(t -> versions.getOrDefault(t.aggregateId(), 0) >= t.version());
        }

        ViewNotCaughtUpException notCaughtUp(Map<UUID, Integer> versions) {
            ConsistencyToken behind = versions == null ? needed.get(0)
                    : needed.stream().filter(t -> versions.getOrDefault(t.aggregateId(), 0) < t.version()).findFirst()
                    .orElse(needed.get(0));
            String at = versions == null ? "unknown (read_db did not answer)"
                    : "at version " + versions.getOrDefault(behind.aggregateId(), 0);
            return new ViewNotCaughtUpException(view + " does not reflect " + behind.aggregateId() + " at version "
                    + behind.version() + " yet: the read side has it " + at + " after waiting " + bound.toMillis()
                    + " ms (Prefer: wait); ask again");
        }
    }

    /**
     * Completes with false when every token is reflected now, with true when they are later (the
     * request waited), or with {@link ViewNotCaughtUpException} once {@code bound} has passed.
     */
    public CompletableFuture<Boolean> reflected(List<ConsistencyToken> needed, Duration bound, String view)
            throws SQLException {
        Map<UUID, Integer> now = versions(ids(needed));
        Waiter waiter = new Waiter(List.copyOf(needed), Instant.now().plus(bound), bound, view, new CompletableFuture<>());
        if (waiter.reflectedIn(now)) {
            return CompletableFuture.completedFuture(false);
        }
        if (bound.isZero() || waiters.size() >= maxWaiting) {
            return CompletableFuture.failedFuture(waiter.notCaughtUp(now));
        }
        waiters.add(waiter);
        schedule(pollIntervalMs);
        return waiter.done();
    }

    /** This instance's projection has committed: the waiters are looked at again at once. */
    public void applied() {
        if (!waiters.isEmpty()) {
            scheduler.execute(this::tick);
        }
    }

    @PreDestroy
    void stop() {
        waiters.forEach(w -> w.done().completeExceptionally(w.notCaughtUp(null)));
        waiters.clear();
    }

    private void schedule(long delayMs) {
        if (ticking.compareAndSet(false, true)) {
            scheduler.schedule(() -> {
                try {
                    tick();
                } finally {
                    ticking.set(false);
                    if (!waiters.isEmpty()) {
                        schedule(pollIntervalMs);
                    }
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void tick() {
        if (waiters.isEmpty()) {
            return;
        }
        Map<UUID, Integer> now;
        try {
            now = versions(waiters.stream().flatMap(w -> ids(w.needed()).stream()).collect(Collectors.toSet()));
        } catch (SQLException | RuntimeException unreachable) {
            now = null; // read_db away: the waiters time out with a 503 that says so
        }
        Instant time = Instant.now();
        for (Waiter waiter : waiters) {
            if (now != null && waiter.reflectedIn(now)) {
                waiters.remove(waiter);
                waiter.done().complete(true);
            } else if (!time.isBefore(waiter.deadline())) {
                waiters.remove(waiter);
                waiter.done().completeExceptionally(waiter.notCaughtUp(now));
            }
        }
    }

    private static Set<UUID> ids(Collection<ConsistencyToken> tokens) {
        Set<UUID> ids = new HashSet<>();
        tokens.forEach(t -> ids.add(t.aggregateId()));
        return ids;
    }

    private Map<UUID, Integer> versions(Set<UUID> ids) throws SQLException {
        Map<UUID, Integer> versions = new HashMap<>();
        try (Connection connection = readDb.getConnection();
             PreparedStatement select = connection.prepareStatement(VERSIONS)) {
            select.setString(1, Jdbc.arrayLiteral(List.copyOf(ids), false));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.put(UUID.fromString(rows.getString(1)), rows.getInt(2));
                }
            }
        }
        return versions;
    }
}
