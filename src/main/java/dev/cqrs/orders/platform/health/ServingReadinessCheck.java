package dev.cqrs.orders.platform.health;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * "Ready" means "serves requests": DOWN until this instance's application has answered a request
 * over HTTP ({@link ApplicationAnswers}), then UP for good.
 */
@Readiness
@ApplicationScoped
public class ServingReadinessCheck implements HealthCheck {

    @EJB
    ApplicationAnswers application;

    @Override
    public HealthCheckResponse call() {
        return Guarded.check("application", () -> HealthCheckResponse.named("application")
                .status(application.answered()).withData("self_url", application.selfUrl()).build());
    }
}
