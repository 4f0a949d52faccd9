package dev.cqrs.orders.platform.roles;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** This instance's roles in {@code /health/ready} ({@code roles}: {@code command,query,projector}). Always UP. */
@Readiness
@ApplicationScoped
public class RolesReadinessCheck implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("roles").up().withData("roles", InstanceRoles.labels()).build();
    }
}
