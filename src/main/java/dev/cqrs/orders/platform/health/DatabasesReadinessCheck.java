package dev.cqrs.orders.platform.health;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while both databases answer: commands need write_db, queries need read_db (DOWN while
 * the probe's bean is not started yet: {@link Guarded}).
 */
@Readiness
@ApplicationScoped
public class DatabasesReadinessCheck implements HealthCheck {

    @EJB
    DatabaseProbe probe;

    @Override
    public HealthCheckResponse call() {
        return Guarded.check("databases", () -> {
            boolean write = probe.writeDbAnswers();
            boolean read = probe.readDbAnswers();
            return HealthCheckResponse.named("databases")
                    .status(write && read)
                    .withData("write_db", write ? "UP" : "DOWN")
                    .withData("read_db", read ? "UP" : "DOWN")
                    .build();
        });
    }
}
