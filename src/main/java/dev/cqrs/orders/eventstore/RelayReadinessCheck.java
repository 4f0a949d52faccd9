package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.health.Guarded;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the outbox relay runs. Not whether the broker is up: with Artemis down, commands still
 * succeed (the outbox holds their events) and queries still answer.
 */
@Readiness
@ApplicationScoped
public class RelayReadinessCheck implements HealthCheck {

    @EJB
    OutboxRelayStartup relay;

    @Override
    public HealthCheckResponse call() {
        return Guarded.check("outbox-relay", () -> relay.relays()
                ? HealthCheckResponse.named("outbox-relay").status(relay.isRunning()).build()
                : HealthCheckResponse.named("outbox-relay").up().withData("runs", "on command instances").build());
    }
}
