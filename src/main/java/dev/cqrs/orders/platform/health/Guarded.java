package dev.cqrs.orders.platform.health;

import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * A readiness check's answer that is DOWN, not an error, when the beans it asks are not started
 * yet: the server may call health checks while the application is still being deployed (Payara
 * Micro: "Attempt to invoke when container is in Initializing"), and one check that throws turns
 * the whole {@code /health/ready} into a 500 instead of a 503.
 */
public final class Guarded {

    private Guarded() {
    }

    public static HealthCheckResponse check(String name, Supplier<HealthCheckResponse> check) {
        try {
            return check.get();
        } catch (RuntimeException notYet) {
            return HealthCheckResponse.named(name).down().withData("unavailable", notYet.getClass().getSimpleName()).build();
        }
    }
}
