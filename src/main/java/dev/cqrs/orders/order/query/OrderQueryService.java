package dev.cqrs.orders.order.query;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;
import java.util.UUID;

/** Reads order views; the read database only. */
@ApplicationScoped
public class OrderQueryService {

    @PersistenceContext(unitName = "read")
    EntityManager em;

    public Optional<OrderView> find(UUID orderId) {
        return Optional.ofNullable(em.find(OrderView.class, orderId));
    }
}
