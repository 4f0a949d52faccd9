package dev.cqrs.orders.eventstore;

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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts the outbox relay thread and its periodic sweep with the application, after the schema
 * migrations (the relay reads the outbox table), and stops them with it. The sweep hands the relay
 * whatever a crash, an outage or a restart left unsent, within about a second of it becoming older
 * than the sweep's minimum age. Bean-managed transactions: nothing here runs in a JTA transaction.
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class OutboxRelayStartup {

    private static final Logger LOG = Logger.getLogger(OutboxRelayStartup.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    OutboxRelay relay;

    @Inject
    @ConfigProperty(name = "cqrs.relay.sweep-interval-ms", defaultValue = "1000")
    long sweepIntervalMillis;

    private volatile ScheduledFuture<?> sweeps;

    @PostConstruct
    void start() {
        relay.start();
        sweeps = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "outbox sweep", this::sweep), 0,
                sweepIntervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        sweeps.cancel(false);
        relay.stop();
    }

    public boolean isRunning() {
        ScheduledFuture<?> current = sweeps;
        return current != null && !current.isDone() && relay.isRunning();
    }

    private void sweep() throws Exception {
        int queued = relay.sweep();
        if (queued > 0) {
            LOG.fine(() -> "outbox sweep queued the events of " + queued + " aggregate(s) for the relay");
        }
    }
}
