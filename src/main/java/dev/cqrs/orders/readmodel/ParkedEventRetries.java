package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.RepublishRequest;
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
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Retries the parked events whose next attempt is due, per aggregate, in sequence order; and, once
 * a second, asks the event store to publish again what a gap that did not close is missing (a
 * {@link RepublishRequest} message, which the event store serves).
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class ParkedEventRetries {

    private static final Logger LOG = Logger.getLogger(ParkedEventRetries.class.getName());
    private static final int AGGREGATES_PER_RUN = 100;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    ParkedEvents parked;

    @Inject
    ProjectionIntake intake;

    @Inject
    @ConfigProperty(name = "cqrs.projection.retry.poll-interval-ms", defaultValue = "100")
    long intervalMillis;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    // Gap repair is asked of the event store by message: the read side never writes write_db.
    @Resource(lookup = Resources.BROKER)
    ConnectionFactory broker;

    private volatile ScheduledFuture<?> runs;
    private long lastGapCheck;

    @PostConstruct
    void start() {
        if (InstanceRoles.has(Role.PROJECTOR)) {
            runs = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "retrying parked events", this::retryDue),
                    intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (runs != null) {
            runs.cancel(false);
        }
    }

    private void retryDue() throws Exception {
        for (UUID aggregateId : parked.dueAggregates(AGGREGATES_PER_RUN)) {
            intake.catchUp(aggregateId, false);
        }
        if (System.nanoTime() - lastGapCheck > TimeUnit.SECONDS.toNanos(1)) {
            lastGapCheck = System.nanoTime();
            OneAtATime.run(readDb, OneAtATime.Job.GAP_REPAIR, this::repairGaps);
        }
    }

    /**
     * A gap means "wait": the missing event is on its way. One that is still open after
     * cqrs.projection.gap-repair-after-ms was lost on the way (in the broker, or a delivery that
     * went wrong): the event store, which has every event, sends the missing ones again. A waiting
     * event with no gap before it any more (its predecessor was applied by an instance that died
     * before catching up its successors: ScaleOutIT's projector kill found it) is applied now.
     */
    private void repairGaps() throws java.sql.SQLException, JMSException {
        ParkedEvents.LongWaits waits = parked.longWaits();
        for (UUID aggregateId : waits.stranded()) {
            LOG.info(() -> "applying the waiting events of " + aggregateId + ", whose predecessors are applied");
            intake.catchUp(aggregateId, false);
        }
        if (waits.gaps().isEmpty()) {
            return;
        }
        try (Connection connection = broker.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            for (ParkedEvents.Gap gap : waits.gaps()) {
                new RepublishRequest(gap.aggregateId(), gap.from(), gap.to()).send(session);
                parked.repairRequested(gap);
            }
        }
    }
}
