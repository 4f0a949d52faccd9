package dev.cqrs.orders.order.query;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.persistence.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Resource;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

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
            WHERE p.product_id = ? AND c.user_id = ?
            FOR SHARE""";

    // Keeps the newest version, whichever of the two is newer, and answers what it kept.
    private static final String REFRESH_PRODUCT = """
            INSERT INTO product_refs AS r (product_id, name, version) VALUES (?, ?, ?)
            ON CONFLICT (product_id) DO UPDATE
            SET name = CASE WHEN r.version < EXCLUDED.version THEN EXCLUDED.name ELSE r.name END,
                version = GREATEST(r.version, EXCLUDED.version)
            RETURNING name""";

    private static final String REFRESH_CUSTOMER = """
            INSERT INTO customer_refs AS r (user_id, email, version) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE
            SET email = CASE WHEN r.version < EXCLUDED.version THEN EXCLUDED.email ELSE r.email END,
                version = GREATEST(r.version, EXCLUDED.version)
            RETURNING email""";

    private static final String INSERT_VIEW = """
            INSERT INTO order_views (order_id, user_id, product_id, quantity, status, created_at, product_name,
                                     user_email, unit_price, total_price, version, updated_at)
            VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (order_id) DO NOTHING""";

    // Plain JDBC in the projection's JTA transaction (the statements are all hand-written SQL).
    @Resource(lookup = "jdbc/cqrs-read")
    DataSource readDb;

    @Transactional
    public void on(EventEnvelope event) {
        try (Connection connection = readDb.getConnection()) {
            switch (event.aggregateType()) {
                case OrderEvents.AGGREGATE_TYPE -> onOrderEvent(connection, event);
                case ProductEvents.AGGREGATE_TYPE -> onProductEvent(connection, event);
                case CustomerEvents.AGGREGATE_TYPE -> onCustomerEvent(connection, event);
                default -> LOG.fine(() -> "order_views ignores " + event.aggregateType() + " events");
            }
        } catch (SQLException e) {
            // Rolled back and delivered again; nothing was applied.
            throw new IllegalStateException("projecting " + event.type() + " " + event.eventId() + " failed", e);
        }
    }

    private void onOrderEvent(Connection connection, EventEnvelope event) throws SQLException {
        if (event.type().equals(OrderPlacedEvent.TYPE)) {
            placed(connection, event, OrderPlacedEvent.fromJson(event.data()));
        }
    }

    private void placed(Connection connection, EventEnvelope event, OrderPlacedEvent placed) throws SQLException {
        List<Object[]> refs = Jdbc.query(connection, CURRENT_REFS, placed.productId(), placed.userId());
        Object[] current = refs.isEmpty() ? null : refs.get(0);
        String productName = current != null && ((Number) current[1]).intValue() >= placed.productVersion()
                ? (String) current[0]
                : refresh(connection, REFRESH_PRODUCT, placed.productId(), placed.productName(), placed.productVersion());
        String userEmail = current != null && ((Number) current[3]).intValue() >= placed.userVersion()
                ? (String) current[2]
                : refresh(connection, REFRESH_CUSTOMER, placed.userId(), placed.userEmail(), placed.userVersion());
        Jdbc.update(connection, INSERT_VIEW, placed.orderId(), placed.userId(), placed.productId(), placed.quantity(),
                event.occurredAt(), productName, userEmail, placed.unitPrice(),
                placed.unitPrice().multiply(BigDecimal.valueOf(placed.quantity())), event.sequence(),
                event.occurredAt());
    }

    /** Upserts a reference (newest version wins) and answers the value it holds now. */
    private static String refresh(Connection connection, String upsert, UUID id, String value, int version)
            throws SQLException {
        return (String) Jdbc.query(connection, upsert, id, value, version).get(0)[0];
    }

    private void onProductEvent(Connection connection, EventEnvelope event) throws SQLException {
        if (event.type().equals(ProductAddedEvent.TYPE)) {
            ProductAddedEvent added = ProductAddedEvent.fromJson(event.data());
            refresh(connection, REFRESH_PRODUCT, added.productId(), added.name(), event.sequence());
        }
    }

    private void onCustomerEvent(Connection connection, EventEnvelope event) throws SQLException {
        if (event.type().equals(CustomerRegisteredEvent.TYPE)) {
            CustomerRegisteredEvent registered = CustomerRegisteredEvent.fromJson(event.data());
            refresh(connection, REFRESH_CUSTOMER, registered.userId(), registered.email(), event.sequence());
        }
    }
}
