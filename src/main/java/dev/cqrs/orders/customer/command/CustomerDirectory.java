package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.customer.api.Customers;
import dev.cqrs.orders.platform.persistence.CommandConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;

/** The customers feature's answer to {@link Customers}: one read of {@code customers}, on the command's connection. */
@ApplicationScoped
public class CustomerDirectory implements Customers {

    // Inside a command's JTA transaction, the command's connection.
    @Inject
    CommandConnection connection;

    @Override
    public Optional<Customer> current(UUID userId) {
        return connection.first("customer " + userId, "SELECT email, version FROM customers WHERE user_id = ?", userId)
                .map(row -> new Customer(userId, (String) row[0], ((Number) row[1]).intValue()));
    }
}
