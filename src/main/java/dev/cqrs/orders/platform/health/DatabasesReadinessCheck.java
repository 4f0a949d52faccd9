package dev.cqrs.orders.platform.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while both databases answer: commands need write_db, queries need read_db. */
@Readiness
@ApplicationScoped
public class DatabasesReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    @Resource(lookup = "jdbc/cqrs-write")
    DataSource writeDb;

    @Resource(lookup = "jdbc/cqrs-read")
    DataSource readDb;

    @Override
    public HealthCheckResponse call() {
        boolean write = reachable(writeDb);
        boolean read = reachable(readDb);
        return HealthCheckResponse.named("databases")
                .status(write && read)
                .withData("write_db", write ? "UP" : "DOWN")
                .withData("read_db", read ? "UP" : "DOWN")
                .build();
    }

    private static boolean reachable(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(TIMEOUT_SECONDS);
        } catch (Exception e) {
            return false;
        }
    }
}
