package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.customer.api.Customers;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The customers feature's answer to {@link Customers}: one read of {@code customers}, on the command's connection. */
@ApplicationScoped
public class CustomerDirectory implements Customers {

    // JDBC on the write unit's data source: inside a command's JTA transaction, the same connection.
    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Override
    public Optional<Customer> current(UUID userId) {
        return Jdbc.first(writeDb, "customer " + userId, "SELECT email, version FROM customers WHERE user_id = ?", userId)
                .map(row -> new Customer(userId, (String) row[0], ((Number) row[1]).intValue()));
    }
}
