package dev.cqrs.orders.order.query;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.platform.events.EventEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.util.logging.Logger;

/**
 * Maintains {@code order_views} and the product and customer references it denormalizes.
 *
 * <p>Idempotent and order-aware: an event at or below the version a row already has is a
 * duplicate and is ignored. Events of different aggregates may arrive in any order: an
 * {@code OrderPlaced} carries the product name and e-mail it saw, with their versions, and the
 * references keep whichever version is newest. The reference row is locked before the view is
 * written, so a rename applied concurrently either happens before (and is read) or after (and
 * rewrites the new view).
 */
@ApplicationScoped
public class OrderViewProjection {

    private static final Logger LOG = Logger.getLogger(OrderViewProjection.class.getName());

    private static final String REFRESH_PRODUCT = """
            INSERT INTO product_refs (product_id, name, version) VALUES (?1, ?2, ?3)
            ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version
            WHERE product_refs.version < EXCLUDED.version""";

    private static final String REFRESH_CUSTOMER = """
            INSERT INTO customer_refs (user_id, email, version) VALUES (?1, ?2, ?3)
            ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, version = EXCLUDED.version
            WHERE customer_refs.version < EXCLUDED.version""";

    private static final String INSERT_VIEW = """
            INSERT INTO order_views (order_id, user_id, product_id, quantity, status, created_at, product_name,
                                     user_email, unit_price, total_price, version, updated_at)
            SELECT ?1, ?2, ?3, ?4, 'PENDING', ?5, p.name, c.email, ?6, ?7, ?8, ?5
            FROM product_refs p, customer_refs c
            WHERE p.product_id = ?3 AND c.user_id = ?2
            ON CONFLICT (order_id) DO NOTHING""";

    @PersistenceContext(unitName = "read")
    EntityManager em;

    @Transactional
    public void on(EventEnvelope event) {
        switch (event.aggregateType()) {
            case OrderEvents.AGGREGATE_TYPE -> onOrderEvent(event);
            case ProductEvents.AGGREGATE_TYPE -> onProductEvent(event);
            case CustomerEvents.AGGREGATE_TYPE -> onCustomerEvent(event);
            default -> LOG.fine(() -> "order_views ignores " + event.aggregateType() + " events");
        }
    }

    private void onOrderEvent(EventEnvelope event) {
        if (event.type().equals(OrderPlacedEvent.TYPE)) {
            placed(event, OrderPlacedEvent.fromJson(event.data()));
        }
    }

    private void placed(EventEnvelope event, OrderPlacedEvent placed) {
        // Upserting the references also locks their rows until this transaction ends.
        em.createNativeQuery(REFRESH_PRODUCT)
                .setParameter(1, placed.productId())
                .setParameter(2, placed.productName())
                .setParameter(3, placed.productVersion())
                .executeUpdate();
        em.createNativeQuery(REFRESH_CUSTOMER)
                .setParameter(1, placed.userId())
                .setParameter(2, placed.userEmail())
                .setParameter(3, placed.userVersion())
                .executeUpdate();
        em.createNativeQuery(INSERT_VIEW)
                .setParameter(1, placed.orderId())
                .setParameter(2, placed.userId())
                .setParameter(3, placed.productId())
                .setParameter(4, placed.quantity())
                .setParameter(5, event.occurredAt())
                .setParameter(6, placed.unitPrice())
                .setParameter(7, placed.unitPrice().multiply(BigDecimal.valueOf(placed.quantity())))
                .setParameter(8, event.sequence())
                .executeUpdate();
    }

    private void onProductEvent(EventEnvelope event) {
        if (event.type().equals(ProductAddedEvent.TYPE)) {
            ProductAddedEvent added = ProductAddedEvent.fromJson(event.data());
            em.createNativeQuery(REFRESH_PRODUCT)
                    .setParameter(1, added.productId())
                    .setParameter(2, added.name())
                    .setParameter(3, event.sequence())
                    .executeUpdate();
        }
    }

    private void onCustomerEvent(EventEnvelope event) {
        if (event.type().equals(CustomerRegisteredEvent.TYPE)) {
            CustomerRegisteredEvent registered = CustomerRegisteredEvent.fromJson(event.data());
            em.createNativeQuery(REFRESH_CUSTOMER)
                    .setParameter(1, registered.userId())
                    .setParameter(2, registered.email())
                    .setParameter(3, event.sequence())
                    .executeUpdate();
        }
    }
}
