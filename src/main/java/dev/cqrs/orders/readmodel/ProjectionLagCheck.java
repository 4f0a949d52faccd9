package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.health.Guarded;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The read models' lag in {@code /health/ready}'s data, and whether it is past
 * {@code cqrs.projection.lag-bound-seconds} (30): {@code lagging}. Always UP: readiness is about
 * taking commands and serving queries, and a backlog (after a restart, during a broker outage)
 * does neither harm; taking the instance out of service would not make the views catch up sooner.
 * Alert on {@code lagging} (or on {@code lag_seconds} of {@code GET /admin/projections}) instead.
 * (DOWN only while the monitor is not started yet: {@link Guarded}.)
 */
@Readiness
@ApplicationScoped
public class ProjectionLagCheck implements HealthCheck {

    @EJB
    ProjectionMonitor monitor;

    @Inject
    @ConfigProperty(name = "cqrs.projection.lag-bound-seconds", defaultValue = "30")
    double boundSeconds;

    @Override
    public HealthCheckResponse call() {
        return Guarded.check("projection-lag", this::lag);
    }

    private HealthCheckResponse lag() {
        if (!monitor.measures()) {
            return HealthCheckResponse.named("projection-lag").up().withData("measured", "on projector instances").build();
        }
        ProjectionMonitor.Lag lag = monitor.lag();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("projection-lag").up()
                .withData("position", lag.position())
                .withData("head", lag.head())
                .withData("lag_events", lag.lagEvents())
                .withData("lag_seconds", String.format(java.util.Locale.ROOT, "%.3f", lag.lagSeconds()))
                .withData("bound_seconds", String.format(java.util.Locale.ROOT, "%.0f", boundSeconds))
                .withData("lagging", lag.checkedAt() == null || lag.lagSeconds() > boundSeconds);
        if (lag.checkedAt() != null) {
            response.withData("checked_at", lag.checkedAt().toString());
        }
        return response.build();
    }
}
