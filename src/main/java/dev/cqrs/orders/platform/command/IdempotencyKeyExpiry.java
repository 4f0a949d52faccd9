package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Forgets idempotency keys once they are older than {@code cqrs.idempotency.retention-hours}
 * (24 by default, the least a client may count on), every ten minutes, in small batches.
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class IdempotencyKeyExpiry {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeyExpiry.class.getName());

    private static final String EXPIRE = """
            DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ?) LIMIT 10000))""";

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Inject
    @ConfigProperty(name = "cqrs.idempotency.retention-hours", defaultValue = "24")
    int retentionHours;

    private volatile ScheduledFuture<?> runs;

    @PostConstruct
    void start() {
        runs = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "expiring idempotency keys", this::expire), 1, 10,
                TimeUnit.MINUTES);
    }

    @PreDestroy
    void stop() {
        runs.cancel(false);
    }

    private void expire() throws SQLException {
        try (Connection connection = writeDb.getConnection()) {
            int deleted;
            do {
                deleted = Jdbc.update(connection, EXPIRE, Math.max(24, retentionHours));
            } while (deleted == 10000);
        }
    }
}
