package dev.cqrs.orders.platform.metrics;

import dev.cqrs.orders.platform.events.EventEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * How far each view trails the write side, at {@code /metrics}: per view, a timer of the time from
 * an event's {@code occurred_at} to the commit of its projection ({@code cqrs_projection_lag}).
 */
@ApplicationScoped
public class ProjectionMetrics {

    @Inject
    MetricRegistry registry;

    /** Records that {@code view} has committed {@code event}. */
    public void applied(String view, EventEnvelope event) {
        Timer lag = registry.timer("cqrs_projection_lag", new Tag("view", view));
        lag.update(Duration.between(event.occurredAt(), Instant.now()));
    }
}
