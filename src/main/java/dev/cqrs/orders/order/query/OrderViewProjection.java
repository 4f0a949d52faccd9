package dev.cqrs.orders.order.query;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.order.events.OrderEvent;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.order.events.OrderQuantityChangedEvent;
import dev.cqrs.orders.order.events.OrderStatusChangedEvent;
import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.persistence.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Maintains {@code order_views}, the counters derived from them ({@code user_summaries},
 * {@code product_sales}) and the product and customer references the views denormalize. Runs in
 * the caller's transaction, on the caller's read_db connection.
 *
 * <p>An order's events come in sequence, each once: {@link ReadModels} sees to that before it calls
 * this (duplicates ignored, gaps and events behind a failed one parked). Events of different aggregates may arrive in
 * any order: an {@code OrderPlaced} carries the product name and e-mail it saw, with their
 * versions, and its view takes whichever is newer, that or the reference's. Each view remembers the
 * versions its name and e-mail come from; a rename or an e-mail change rewrites only older ones.
 *
 * <p>Placing an order reads the references under a shared row lock, so that orders of one product
 * project in parallel, while a rename (which updates the reference, then the views) waits for them
 * and then sees their views, or runs first and is seen by them. (The rename's subquery locks views
 * in order_id order; an order's own events lock only its view.)
 *
 * <p>Counters change only by deltas, computed from the view row as it was (read under its row lock)
 * and as it is now, in the transaction that changes the view: so a duplicate, which changes no view,
 * counts nothing. A delta is a new row of {@code counter_deltas}, not an update of a counter shared
 * by every order of a product or customer; {@link CounterFold} adds them up.
 */
@ApplicationScoped
public class OrderViewProjection {

    private static final Logger LOG = Logger.getLogger(OrderViewProjection.class.getName());

    private static final String CURRENT_REFS = """
            SELECT p.name, p.version, c.email, c.version
            FROM product_refs p, customer_refs c
            WHERE p.product_id = ? AND c.user_id = ?
            FOR SHARE""";

    // A reference the read side has not seen yet, from an order's snapshot: without a lock on conflict.
    private static final String ADD_PRODUCT_REF =
            "INSERT INTO product_refs (product_id, name, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    private static final String ADD_CUSTOMER_REF =
            "INSERT INTO customer_refs (user_id, email, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    // Keeps the newest version, whichever of the two is newer, and answers what it kept.
    private static final String REFRESH_PRODUCT = """
            INSERT INTO product_refs AS r (product_id, name, version) VALUES (?, ?, ?)
            ON CONFLICT (product_id) DO UPDATE
            SET name = CASE WHEN r.version < EXCLUDED.version THEN EXCLUDED.name ELSE r.name END,
                version = GREATEST(r.version, EXCLUDED.version)
            RETURNING name, version""";

    private static final String REFRESH_CUSTOMER = """
            INSERT INTO customer_refs AS r (user_id, email, version) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE
            SET email = CASE WHEN r.version < EXCLUDED.version THEN EXCLUDED.email ELSE r.email END,
                version = GREATEST(r.version, EXCLUDED.version)
            RETURNING email, version""";

    private static final String INSERT_VIEW = """
            INSERT INTO order_views (order_id, user_id, product_id, quantity, status, created_at, product_name,
                                     user_email, unit_price, total_price, version, updated_at,
                                     product_version, user_version)
            VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (order_id) DO NOTHING""";

    private static final String LOCK_VIEW = """
            SELECT user_id, product_id, status, quantity, total_price, version
            FROM order_views WHERE order_id = ? FOR UPDATE""";

    private static final String UPDATE_VIEW = """
            UPDATE order_views
            SET status = ?, quantity = ?, total_price = ?, version = ?, updated_at = ?, projected_at = clock_timestamp()
            WHERE order_id = ?""";

    // The rows are locked in order_id order first: a rename and an e-mail change touching the same
    // views then wait for each other instead of deadlocking.
    private static final String RENAME_IN_VIEWS = """
            UPDATE order_views SET product_name = ?, product_version = ?
            WHERE order_id IN (SELECT order_id FROM order_views WHERE product_id = ? AND product_version < ?
                               ORDER BY order_id FOR UPDATE)""";

    private static final String NEW_EMAIL_IN_VIEWS = """
            UPDATE order_views SET user_email = ?, user_version = ?
            WHERE order_id IN (SELECT order_id FROM order_views WHERE user_id = ? AND user_version < ?
                               ORDER BY order_id FOR UPDATE)""";

    private static final String COUNT = """
            INSERT INTO counter_deltas (user_id, product_id, pending, confirmed, shipped, cancelled, spent, units)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

    public void onOrderEvent(Connection connection, EventEnvelope event) throws SQLException {
        OrderEvent order = OrderEvent.fromJson(event.type(), event.data());
        if (order == null) {
            LOG.fine(() -> "order_views ignores " + event.type() + " events");
        } else if (order instanceof OrderPlacedEvent placed) {
            placed(connection, event, placed);
        } else {
            changed(connection, event, order);
        }
    }

    private void placed(Connection connection, EventEnvelope event, OrderPlacedEvent placed) throws SQLException {
        // The references, under a shared lock until this transaction ends: a rename or an e-mail
        // change waits for this view to exist, then rewrites it if it must. A reference not there
        // yet is created from the order's snapshot first (its insert is the lock). Only shared
        // locks and inserts here: two projections never wait for each other on a reference.
        List<Object[]> refs = Jdbc.query(connection, CURRENT_REFS, placed.productId(), placed.userId());
        if (refs.isEmpty()) {
            // Product before customer, always, so that two of these never wait for each other.
            Jdbc.update(connection, ADD_PRODUCT_REF, placed.productId(), placed.productName(), placed.productVersion());
            Jdbc.update(connection, ADD_CUSTOMER_REF, placed.userId(), placed.userEmail(), placed.userVersion());
            refs = Jdbc.query(connection, CURRENT_REFS, placed.productId(), placed.userId());
        }
        Object[] known = refs.get(0);
        // Whichever is newer: what the read side knows, or what the order saw (the product or
        // customer event with that version is then still on its way, and leaves this view alone).
        Object[] product = ((Number) known[1]).intValue() >= placed.productVersion()
                ? new Object[] {known[0], known[1]} : new Object[] {placed.productName(), placed.productVersion()};
        Object[] customer = ((Number) known[3]).intValue() >= placed.userVersion()
                ? new Object[] {known[2], known[3]} : new Object[] {placed.userEmail(), placed.userVersion()};
        int inserted = Jdbc.update(connection, INSERT_VIEW, placed.orderId(), placed.userId(), placed.productId(),
                placed.quantity(), event.occurredAt(), product[0], customer[0], placed.unitPrice(), placed.totalPrice(),
                event.sequence(), event.occurredAt(), product[1], customer[1]);
        if (inserted == 1) {
            count(connection, placed.userId(), placed.productId(), null,
                    new Contribution("PENDING", placed.quantity(), placed.totalPrice()));
        }
    }

    private void changed(Connection connection, EventEnvelope event, OrderEvent change) throws SQLException {
        List<Object[]> rows = Jdbc.query(connection, LOCK_VIEW, event.aggregateId());
        if (rows.isEmpty()) {
            throw new IllegalStateException("order_views: " + event.type() + " #" + event.sequence() + " of order "
                    + event.aggregateId() + " came before the order's view exists");
        }
        Object[] row = rows.get(0);
        Contribution before = new Contribution((String) row[2], ((Number) row[3]).intValue(), (BigDecimal) row[4]);
        Contribution after = before;
        if (change instanceof OrderQuantityChangedEvent quantity) {
            after = new Contribution(before.status(), quantity.quantity(), quantity.totalPrice());
        } else if (change instanceof OrderStatusChangedEvent status) {
            after = new Contribution(status.status(), before.quantity(), before.total());
        }
        Jdbc.update(connection, UPDATE_VIEW, after.status(), after.quantity(), after.total(), event.sequence(),
                event.occurredAt(), event.aggregateId());
        count(connection, (UUID) row[0], (UUID) row[1], before, after);
    }

    /**
     * Records the difference between what the order counted before ({@code null}: nothing) and now,
     * as a delta row that {@link CounterFold} moves into the counters.
     */
    private static void count(Connection connection, UUID userId, UUID productId, Contribution before,
                              Contribution after) throws SQLException {
        int[] byStatus = new int[4];
        byStatus[Contribution.index(after.status())]++;
        if (before != null) {
            byStatus[Contribution.index(before.status())]--;
        }
        BigDecimal spent = after.spent().subtract(before == null ? BigDecimal.ZERO : before.spent());
        long units = after.units() - (before == null ? 0 : before.units());
        Jdbc.update(connection, COUNT, userId, productId, byStatus[0], byStatus[1], byStatus[2], byStatus[3],
                spent, units);
    }

    /** What one order adds to its customer's summary and its product's sales. */
    private record Contribution(String status, int quantity, BigDecimal total) {

        static int index(String status) {
            return switch (status) {
                case "PENDING" -> 0;
                case "CONFIRMED" -> 1;
                case "SHIPPED" -> 2;
                case "CANCELLED" -> 3;
                default -> throw new IllegalArgumentException("unknown order status " + status);
            };
        }

        BigDecimal spent() {
            return status.equals("CANCELLED") ? BigDecimal.ZERO : total;
        }

        long units() {
            return status.equals("CANCELLED") ? 0 : quantity;
        }
    }

    /** Upserts a reference (newest version wins) and answers the value and version it holds now. */
    private static Object[] refresh(Connection connection, String upsert, UUID id, String value, int version)
            throws SQLException {
        return Jdbc.query(connection, upsert, id, value, version).get(0);
    }

    public void onProductEvent(Connection connection, EventEnvelope event) throws SQLException {
        switch (event.type()) {
            case ProductAddedEvent.TYPE -> {
                ProductAddedEvent added = ProductAddedEvent.fromJson(event.data());
                refresh(connection, REFRESH_PRODUCT, added.productId(), added.name(), event.sequence());
            }
            case ProductChangedEvent.TYPE -> {
                ProductChangedEvent changed = ProductChangedEvent.fromJson(event.data());
                refresh(connection, REFRESH_PRODUCT, changed.productId(), changed.name(), event.sequence());
                if (changed.renamed()) {
                    int rewritten = Jdbc.update(connection, RENAME_IN_VIEWS, changed.name(), event.sequence(),
                            changed.productId(), event.sequence());
                    LOG.fine(() -> "order_views: rename of product " + changed.productId() + " rewrote " + rewritten);
                }
            }
            default -> LOG.fine(() -> "order_views ignores " + event.type() + " events");
        }
    }

    public void onCustomerEvent(Connection connection, EventEnvelope event) throws SQLException {
        switch (event.type()) {
            case CustomerRegisteredEvent.TYPE -> {
                CustomerRegisteredEvent registered = CustomerRegisteredEvent.fromJson(event.data());
                refresh(connection, REFRESH_CUSTOMER, registered.userId(), registered.email(), event.sequence());
            }
            case CustomerEmailChangedEvent.TYPE -> {
                CustomerEmailChangedEvent changed = CustomerEmailChangedEvent.fromJson(event.data());
                refresh(connection, REFRESH_CUSTOMER, changed.userId(), changed.email(), event.sequence());
                Jdbc.update(connection, NEW_EMAIL_IN_VIEWS, changed.email(), event.sequence(), changed.userId(),
                        event.sequence());
            }
            default -> LOG.fine(() -> "order_views ignores " + event.type() + " events");
        }
    }
}
