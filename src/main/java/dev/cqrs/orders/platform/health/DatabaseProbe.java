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

/**
 * Whether write_db and read_db answer, for {@link DatabasesReadinessCheck}. A singleton session
 * bean, not a plain CDI bean: the server may call a health check first from a thread of its own
 * (WildFly: its management interface), where a plain bean created there could not resolve its
 * {@code java:comp/env} resource references; a session bean is created inside its component's
 * naming context. No transaction around the probes (bean-managed).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabaseProbe {

    private static final int TIMEOUT_SECONDS = 2;

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    public boolean writeDbAnswers() {
        return answers(writeDb);
    }

    public boolean readDbAnswers() {
        return answers(readDb);
    }

    private static boolean answers(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(TIMEOUT_SECONDS);
        } catch (Exception e) {
            return false;
        }
    }
}
