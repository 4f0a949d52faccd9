package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.schedule.OneAtATime;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A caller's open streams counted across every query instance: one row per open stream in read_db's
 * {@code open_streams}, taken under the caller's advisory lock (so two instances opening at once cannot
 * both take the last place), renewed by its instance every heartbeat, deleted when the stream closes.
 * A row not renewed for three heartbeats (45 s by default) belonged to an instance that died (kill -9)
 * and no longer counts; an elected job deletes such rows every minute.
 */
@ApplicationScoped
public class StreamLeases {

    private static final Logger LOG = Logger.getLogger(StreamLeases.class.getName());
    // Advisory lock space 3: one lock per caller (space 1: projections, 2: OneAtATime's jobs).
    private static final String LOCK_CALLER = "SELECT pg_advisory_xact_lock(3, hashtext(?))";
    private static final String LIVE = """
            SELECT count(*) FROM open_streams
            WHERE caller = ? AND renewed_at > clock_timestamp() - make_interval(secs => ?)""";
    private static final String TAKE = "INSERT INTO open_streams (stream_id, caller, renewed_at) VALUES (?, ?, clock_timestamp())";
    private static final String RENEW = "UPDATE open_streams SET renewed_at = clock_timestamp() WHERE stream_id = ANY (CAST(? AS uuid[]))";
    private static final String RELEASE = "DELETE FROM open_streams WHERE stream_id = ?";
    private static final String EXPIRE = "DELETE FROM open_streams WHERE renewed_at < clock_timestamp() - make_interval(secs => ?)";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "cqrs.streams.heartbeat-seconds", defaultValue = "15")
    long heartbeatSeconds;

    private volatile Supplier<Collection<UUID>> held = List::of;
    private volatile List<ScheduledFuture<?>> runs = List.of();

    @PostConstruct
    void start() {
        runs = List.of(
                scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "renewing open streams", this::renew),
                        heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS),
                scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "expiring streams of dead instances",
                        () -> OneAtATime.run(readDb, OneAtATime.Job.STREAM_EXPIRY, this::expire)), 1, 1, TimeUnit.MINUTES));
    }

    @PreDestroy
    void stop() {
        runs.forEach(run -> run.cancel(false));
    }

    /** Where the ids of this instance's open streams come from (renewed every heartbeat). */
    void heldBy(Supplier<Collection<UUID>> streams) {
        held = streams;
    }

    /** How long a stream counts without being renewed: three heartbeats. */
    long leaseSeconds() {
        return 3 * heartbeatSeconds;
    }

    /** Counts the stream {@code id} for {@code caller}, unless the caller already has {@code max} open; answers whether it did. */
    boolean take(UUID id, String caller, int max) throws SQLException {
        return Jdbc.inTransaction(readDb, connection -> {
            Jdbc.query(connection, LOCK_CALLER, caller);
            long live = ((Number) Jdbc.query(connection, LIVE, caller, leaseSeconds()).get(0)[0]).longValue();
            if (live >= max) {
                return false;
            }
            Jdbc.update(connection, TAKE, id, caller);
            return true;
        });
    }

    /** The stream {@code id} closed. If read_db cannot be reached, its row expires with its lease. */
    void release(UUID id) {
        try (Connection connection = readDb.getConnection()) {
            Jdbc.update(connection, RELEASE, id);
        } catch (SQLException e) {
            LOG.fine(() -> "releasing stream " + id + " failed (its lease expires): " + e);
        }
    }

    private void renew() throws SQLException {
        Collection<UUID> streams = held.get();
        if (!streams.isEmpty()) {
            try (Connection connection = readDb.getConnection()) {
                Jdbc.update(connection, RENEW, Jdbc.arrayLiteral(List.copyOf(streams), false));
            }
        }
    }

    private void expire() throws SQLException {
        if (InstanceRoles.has(Role.QUERY)) {
            try (Connection connection = readDb.getConnection()) {
                Jdbc.update(connection, EXPIRE, leaseSeconds());
            }
        }
    }
}
