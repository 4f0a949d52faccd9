package dev.cqrs.orders.platform.health;

import dev.cqrs.orders.platform.schema.SchemaMigrations;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

@Readiness
@ApplicationScoped
public class SchemaReadinessCheck implements HealthCheck {

    @EJB
    SchemaMigrations migrations;

    @Override
    public HealthCheckResponse call() {
        return Guarded.check("schema-migrations",
                () -> HealthCheckResponse.named("schema-migrations").status(migrations.isMigrated()).build());
    }
}
