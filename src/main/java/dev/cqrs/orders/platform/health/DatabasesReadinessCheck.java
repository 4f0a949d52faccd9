package dev.cqrs.orders.platform.health;

import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.sql.Connection;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while both databases answer: commands need write_db, queries need read_db.
 *
 * <p>A singleton session bean, not a plain CDI bean: the server may call a health check first from
 * a thread of its own (WildFly: its management interface), where a plain bean created there could not
 * resolve its {@code java:comp/env} resource references; a session bean is created inside its
 * component's naming context. No transaction around the checks (bean-managed).
 */
@Readiness
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabasesReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Resource(lookup = Resources.READ_DB)
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
