package dev.cqrs.orders.eventstore;

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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
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

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    /**
     * Command instances only. The relay runs on every one (it sends what its own commands wrote, at
     * once); the sweep on one at a time ({@link OneAtATime}): it hands its relay what any instance left.
     */
    @PostConstruct
    void start() {
        if (!InstanceRoles.has(Role.COMMAND)) {
            return;
        }
        relay.start();
        sweeps = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "outbox sweep",
                () -> OneAtATime.run(writeDb, OneAtATime.Job.OUTBOX_SWEEP, this::sweep)), 0,
                sweepIntervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
            relay.stop();
        }
    }

    /** Whether this instance relays (false on an instance without the command role, which has nothing to relay). */
    public boolean relays() {
        return InstanceRoles.has(Role.COMMAND);
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
