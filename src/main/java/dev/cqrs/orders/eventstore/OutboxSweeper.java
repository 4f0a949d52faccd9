package dev.cqrs.orders.eventstore;

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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the outbox sweep from start-up on: what a crash, an outage or a restart left unsent is
 * relayed within about a second of becoming older than the sweep's minimum age. Starts after the
 * schema migrations, since the sweep reads the outbox table.
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class OutboxSweeper {

    private static final Logger LOG = Logger.getLogger(OutboxSweeper.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    OutboxRelay relay;

    @Inject
    @ConfigProperty(name = "cqrs.relay.sweep-interval-ms", defaultValue = "1000")
    long intervalMillis;

    private volatile ScheduledFuture<?> sweeps;

    @PostConstruct
    void start() {
        sweeps = scheduler.scheduleWithFixedDelay(this::sweep, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        sweeps.cancel(false);
    }

    public boolean isRunning() {
        ScheduledFuture<?> current = sweeps;
        return current != null && !current.isDone();
    }

    private void sweep() {
        try {
            int sent = relay.sweep();
            if (sent > 0) {
                LOG.info(() -> "outbox sweep relayed " + sent + " event(s)");
            }
        } catch (RuntimeException e) {
            // An exception would end the schedule for good; the next run tries again.
            LOG.log(Level.WARNING, "outbox sweep failed", e);
        }
    }
}
