package dev.cqrs.orders.customer.api;

import java.util.Optional;
import java.util.UUID;

/**
 * What the customers feature tells other features' commands about a customer, as it is now in the
 * write model (in the caller's transaction). Its tables stay its own: other features ask here.
 */
public interface Customers {

    /** A customer as they are now: their e-mail and version. */
    record Customer(UUID userId, String email, int version) {
    }

    Optional<Customer> current(UUID userId);
}
