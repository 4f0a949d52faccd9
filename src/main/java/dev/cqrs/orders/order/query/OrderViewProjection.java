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
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Maintains {@code order_views} and the product and customer references it denormalizes.
 *
 * <p>Idempotent and order-aware: an event at or below the version a row already has is a
 * duplicate and is ignored. Events of different aggregates may arrive in any order: an
 * {@code OrderPlaced} carries the product name and e-mail it saw, with their versions, and the
 * references keep whichever version is newest.
 *
 * <p>Placing an order reads the references under a shared row lock, so that orders of one product
 * project in parallel, while a rename (which updates the reference, then the views) waits for them
 * and then sees their views, or runs first and is seen by them. Only when an order saw a newer
 * version than the read side knows does it write the reference, and then it reads back whatever is
 * newest.
 */
@ApplicationScoped
public class OrderViewProjection {

    private static final Logger LOG = Logger.getLogger(OrderViewProjection.class.getName());

    private static final String CURRENT_REFS = """
            SELECT p.name, p.version, c.email, c.version
            FROM product_refs p, customer_refs c
            WHERE p.product_id = ?1 AND c.user_id = ?2
            FOR SHARE""";

    // Keeps the newest version, whichever of the two is newer, and answers what it kept.
    private static final String REFRESH_PRODUCT = """
            INSERT INTO product_refs AS r (product_id, name, version) VALUES (?1, ?2, ?3)
            ON CONFLICT (product_id) DO UPDATE
            SET name = CASE WHEN r.version < EXCLUDED.version THEN EXCLUDED.name ELSE r.name END,
                version = GREATEST(r.version, EXCLUDED.version)
            RETURNING name""";

    private static final String REFRESH_CUSTOMER = """
            INSERT INTO customer_refs AS r (user_id, email, version) VALUES (?1, ?2, ?3)
            ON CONFLICT (user_id) DO UPDATE
            SET email = CASE WHEN r.version < EXCLUDED.version THEN EXCLUDED.email ELSE r.email END,
                version = GREATEST(r.version, EXCLUDED.version)
            RETURNING email""";

    private static final String INSERT_VIEW = """
            INSERT INTO order_views (order_id, user_id, product_id, quantity, status, created_at, product_name,
                                     user_email, unit_price, total_price, version, updated_at)
            VALUES (?1, ?2, ?3, ?4, 'PENDING', ?5, ?6, ?7, ?8, ?9, ?10, ?5)
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
        String productName = placed.productName();
        String userEmail = placed.userEmail();
        List<?> refs = em.createNativeQuery(CURRENT_REFS)
                .setParameter(1, placed.productId())
                .setParameter(2, placed.userId())
                .getResultList();
        Object[] current = refs.isEmpty() ? null : (Object[]) refs.get(0);
        if (current != null && ((Number) current[1]).intValue() >= placed.productVersion()) {
            productName = (String) current[0];
        } else {
            productName = refresh(REFRESH_PRODUCT, placed.productId(), productName, placed.productVersion());
        }
        if (current != null && ((Number) current[3]).intValue() >= placed.userVersion()) {
            userEmail = (String) current[2];
        } else {
            userEmail = refresh(REFRESH_CUSTOMER, placed.userId(), userEmail, placed.userVersion());
        }
        em.createNativeQuery(INSERT_VIEW)
                .setParameter(1, placed.orderId())
                .setParameter(2, placed.userId())
                .setParameter(3, placed.productId())
                .setParameter(4, placed.quantity())
                .setParameter(5, event.occurredAt())
                .setParameter(6, productName)
                .setParameter(7, userEmail)
                .setParameter(8, placed.unitPrice())
                .setParameter(9, placed.unitPrice().multiply(BigDecimal.valueOf(placed.quantity())))
                .setParameter(10, event.sequence())
                .executeUpdate();
    }

    /** Upserts a reference (newest version wins) and answers the value it holds now. */
    private String refresh(String upsert, UUID id, String value, int version) {
        return (String) em.createNativeQuery(upsert)
                .setParameter(1, id)
                .setParameter(2, value)
                .setParameter(3, version)
                .getSingleResult();
    }

    private void onProductEvent(EventEnvelope event) {
        if (event.type().equals(ProductAddedEvent.TYPE)) {
            ProductAddedEvent added = ProductAddedEvent.fromJson(event.data());
            refresh(REFRESH_PRODUCT, added.productId(), added.name(), event.sequence());
        }
    }

    private void onCustomerEvent(EventEnvelope event) {
        if (event.type().equals(CustomerRegisteredEvent.TYPE)) {
            CustomerRegisteredEvent registered = CustomerRegisteredEvent.fromJson(event.data());
            refresh(REFRESH_CUSTOMER, registered.userId(), registered.email(), event.sequence());
        }
    }
}
