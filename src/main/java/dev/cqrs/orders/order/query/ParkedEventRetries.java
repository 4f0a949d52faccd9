package dev.cqrs.orders.order.query;

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
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Retries the parked events whose next attempt is due, per aggregate, in sequence order. */
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

    private volatile ScheduledFuture<?> runs;

    @PostConstruct
    void start() {
        runs = scheduler.scheduleWithFixedDelay(this::retryDue, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        runs.cancel(false);
    }

    private void retryDue() {
        try {
            for (UUID aggregateId : parked.dueAggregates(AGGREGATES_PER_RUN)) {
                intake.catchUp(aggregateId, false);
            }
        } catch (Exception e) {
            // An exception would end the schedule for good; the next run tries again.
            LOG.log(Level.FINE, "retrying parked events failed (the next run tries again): " + e, e);
        }
    }
}
