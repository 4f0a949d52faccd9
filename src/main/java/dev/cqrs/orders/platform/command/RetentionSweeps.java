package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.schedule.OneAtATime;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Forgets what the command side keeps only for a while, in small batches:
 * <ul>
 *   <li>idempotency keys older than {@code cqrs.idempotency.retention-hours} (24 by default, the
 *       least a client may count on), every ten minutes;</li>
 *   <li>command tracking's receipts ({@code event_publications} in write_db, {@code
 *       event_projections} in read_db) older than {@code cqrs.commands.retention-seconds} (86400, a day),
 *       every {@code cqrs.commands.sweep-interval-seconds} (600). {@code GET /commands/{id}} stops
 *       answering for a command at the same age ({@link CommandTracking}), so no command is ever shown
 *       with half its receipts gone. The command's audit row stays: it is the audit log's.</li>
 * </ul>
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class RetentionSweeps {

    private static final Logger LOG = Logger.getLogger(RetentionSweeps.class.getName());
    private static final int BATCH = 10000;

    // Each deletes at most BATCH rows older than ? (hours for keys, minutes for receipts).
    private static final String EXPIRE_KEYS = """
            DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ?) LIMIT 10000))""";
    private static final String EXPIRE_PUBLICATIONS = """
            DELETE FROM event_publications WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM event_publications WHERE published_at < now() - make_interval(secs => ?) LIMIT 10000))""";
    private static final String EXPIRE_PROJECTIONS = """
            DELETE FROM event_projections WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM event_projections WHERE projected_at < now() - make_interval(secs => ?) LIMIT 10000))""";

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    @ConfigProperty(name = "cqrs.idempotency.retention-hours", defaultValue = "24")
    int retentionHours;

    @Inject
    CommandTracking tracking;

    @Inject
    @ConfigProperty(name = "cqrs.commands.sweep-interval-seconds", defaultValue = "600")
    int trackingSweepSeconds;

    private volatile List<ScheduledFuture<?>> runs = List.of();

    @PostConstruct
    void start() {
        if (trackingSweepSeconds < 1) {
            throw new IllegalStateException("cqrs.commands.sweep-interval-seconds must be at least 1: " + trackingSweepSeconds);
        }
        // write_db's on command instances, read_db's on projector instances; each on one at a time.
        List<ScheduledFuture<?>> started = new ArrayList<>();
        if (InstanceRoles.has(Role.COMMAND)) {
            started.add(scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "expiring idempotency keys",
                    () -> OneAtATime.run(writeDb, OneAtATime.Job.KEY_EXPIRY,
                            () -> expire(writeDb, EXPIRE_KEYS, Math.max(24, retentionHours)))), 1, 10, TimeUnit.MINUTES));
            started.add(scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "expiring command publication receipts",
                    () -> OneAtATime.run(writeDb, OneAtATime.Job.PUBLICATION_EXPIRY,
                            () -> expire(writeDb, EXPIRE_PUBLICATIONS, tracking.retentionSeconds()))),
                    trackingSweepSeconds, trackingSweepSeconds, TimeUnit.SECONDS));
        }
        if (InstanceRoles.has(Role.PROJECTOR)) {
            started.add(scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "expiring command projection receipts",
                    () -> OneAtATime.run(readDb, OneAtATime.Job.PROJECTION_RECEIPT_EXPIRY,
                            () -> expire(readDb, EXPIRE_PROJECTIONS, tracking.retentionSeconds()))),
                    trackingSweepSeconds, trackingSweepSeconds, TimeUnit.SECONDS));
        }
        runs = List.copyOf(started);
    }

    @PreDestroy
    void stop() {
        runs.forEach(run -> run.cancel(false));
    }

    private static void expire(DataSource database, String sql, int age) throws SQLException {
        try (Connection connection = database.getConnection()) {
            int deleted;
            do {
                deleted = Jdbc.update(connection, sql, age);
            } while (deleted == BATCH);
        }
    }
}
