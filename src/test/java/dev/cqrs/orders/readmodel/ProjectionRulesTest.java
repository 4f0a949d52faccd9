package dev.cqrs.orders.readmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.order.events.OrderQuantityChangedEvent;
import dev.cqrs.orders.order.events.OrderStatusChangedEvent;
import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.catalog.query.ProductView;
import dev.cqrs.orders.catalog.query.ProductViewsProjection;
import dev.cqrs.orders.customer.query.UserView;
import dev.cqrs.orders.customer.query.UserViewsProjection;
import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.order.query.OrderView;
import dev.cqrs.orders.order.query.OrderViewsProjection;
import jakarta.json.JsonObject;
import java.sql.SQLException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The projections' rules, replayed in memory as a rebuild and the verifier replay them (the live
 * side runs the same {@code apply} against read_db: the integration tests).
 */
class ProjectionRulesTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private final UUID product = UUID.randomUUID();
    private final UUID user = UUID.randomUUID();
    private final UUID order = UUID.randomUUID();

    private static EventEnvelope event(String aggregateType, UUID id, int sequence, String type, JsonObject data) {
        return new EventEnvelope(UUID.randomUUID(), type, aggregateType, id, sequence, T0.plusSeconds(sequence),
                UUID.randomUUID(), "test", 1, data);
    }

    private EventEnvelope placed(int productVersion, String productName) {
        return event("order", order, 1, OrderPlacedEvent.TYPE, new OrderPlacedEvent(order, user, product, 3,
                new BigDecimal("2.50"), productName, productVersion, "a@example.com", 1).toJson());
    }

    private EventEnvelope renamed(int sequence, String name) {
        return event("product", product, sequence, ProductChangedEvent.TYPE,
                new ProductChangedEvent(product, name, new BigDecimal("2.50"), true, false).toJson());
    }

    private static Replay orders() {
        return new Replay(new OrderViewsProjection(), Replay.Admission.ALL);
    }

    private OrderView view(Replay replay) {
        return replay.views().of(OrderView.TABLE).get(order).orElse(null);
    }

    @Test
    void anOrderShowsItsEventsAndTheNewestNames() throws SQLException {
        Replay replay = orders();
        Replay products = new Replay(new ProductViewsProjection(), Replay.Admission.ALL);
        Replay users = new Replay(new UserViewsProjection(), Replay.Admission.ALL);
        EventEnvelope added = event("product", product, 1, ProductAddedEvent.TYPE,
                new ProductAddedEvent(product, "Tea", new BigDecimal("2.50")).toJson());
        EventEnvelope registered = event("customer", user, 1, CustomerRegisteredEvent.TYPE,
                new CustomerRegisteredEvent(user, "a@example.com").toJson());
        EventEnvelope emailChanged = event("customer", user, 2, CustomerEmailChangedEvent.TYPE,
                new CustomerEmailChangedEvent(user, "b@example.com").toJson());
        for (EventEnvelope event : List.of(added, registered, placed(1, "Tea"),
                event("order", order, 2, OrderQuantityChangedEvent.TYPE,
                        new OrderQuantityChangedEvent(order, 4, new BigDecimal("10.00")).toJson()),
                event("order", order, 3, OrderStatusChangedEvent.CONFIRMED, OrderStatusChangedEvent.confirmed(order).toJson()),
                renamed(2, "Green tea"), emailChanged)) {
            replay.accept(event);
            products.accept(event);
            users.accept(event);
        }

        OrderView row = view(replay);
        assertEquals(4, row.quantity());
        assertEquals(new BigDecimal("10.00"), row.totalPrice());
        assertEquals(OrderStatus.CONFIRMED, row.status());
        assertEquals(3, row.version());
        assertEquals("Green tea", row.productName());
        assertEquals("b@example.com", row.userEmail());
        assertEquals(T0.plusSeconds(1), row.createdAt());
        assertEquals(T0.plusSeconds(3), row.updatedAt());
        assertEquals("Green tea", products.views().of(ProductView.TABLE).get(product).orElseThrow().name());
        assertEquals(2, users.views().of(UserView.TABLE).get(user).orElseThrow().version());
    }

    @Test
    void productEventsApplyInAnyOrderAndTheNewestWins() throws SQLException {
        Replay products = new Replay(new ProductViewsProjection(), Replay.Admission.ALL);
        products.accept(renamed(2, "Green tea"));
        products.accept(event("product", product, 1, ProductAddedEvent.TYPE,
                new ProductAddedEvent(product, "Tea", new BigDecimal("2.50")).toJson()));
        ProductView view = products.views().of(ProductView.TABLE).get(product).orElseThrow();
        assertEquals("Green tea", view.name());
        assertEquals(2, view.version());
        assertEquals(T0.plusSeconds(1), view.createdAt(), "the earliest event's time, though it came last");
        assertEquals(T0.plusSeconds(2), view.updatedAt());
    }

    @Test
    void anOrderKeepsTheNameItSawWhenItIsNewerThanTheProductsKnown() throws SQLException {
        Replay replay = orders();
        replay.accept(event("product", product, 1, ProductAddedEvent.TYPE,
                new ProductAddedEvent(product, "Tea", new BigDecimal("2.50")).toJson()));
        replay.accept(placed(2, "Green tea"));
        assertEquals("Green tea", view(replay).productName());
        replay.accept(renamed(2, "Green tea"));
        replay.accept(renamed(3, "Black tea"));
        assertEquals("Black tea", view(replay).productName());
        assertEquals(3, view(replay).productVersion());
    }

    @Test
    void eventsReadBeforeTheirPredecessorsWaitForThem() throws SQLException {
        Replay replay = orders();
        EventEnvelope quantity = event("order", order, 2, OrderQuantityChangedEvent.TYPE,
                new OrderQuantityChangedEvent(order, 5, new BigDecimal("12.50")).toJson());
        EventEnvelope confirmed = event("order", order, 3, OrderStatusChangedEvent.CONFIRMED,
                OrderStatusChangedEvent.confirmed(order).toJson());
        replay.accept(confirmed);
        replay.accept(quantity);
        assertEquals(2, replay.waiting());
        assertNull(view(replay));
        replay.accept(placed(1, "Tea"));
        assertEquals(0, replay.waiting());
        assertEquals(3, view(replay).version());
        assertEquals(5, view(replay).quantity());
        assertEquals(OrderStatus.CONFIRMED, view(replay).status());
    }

    @Test
    void repeatsAreIgnoredAndGapsWait() throws SQLException {
        Replay replay = orders();
        replay.accept(placed(1, "Tea"));
        replay.accept(placed(1, "Tea"));
        EventEnvelope quantity = event("order", order, 2, OrderQuantityChangedEvent.TYPE,
                new OrderQuantityChangedEvent(order, 5, new BigDecimal("12.50")).toJson());
        replay.accept(quantity);
        replay.accept(quantity);
        assertEquals(2, view(replay).version());
        assertEquals(5, view(replay).quantity());
        replay.accept(event("order", order, 4, OrderStatusChangedEvent.SHIPPED, OrderStatusChangedEvent.shipped(order).toJson()));
        assertEquals(1, replay.waiting());
        assertEquals(2, view(replay).version());
    }

    @Test
    void eachReplayHoldsItsOwnVersions() throws SQLException {
        // As live, where each projection's version table decides what it still needs: one ahead of
        // another (after a rebuild) gets nothing twice.
        Replay replay = orders();
        replay.accept(placed(1, "Tea"));
        replay.accept(event("order", order, 2, OrderStatusChangedEvent.CONFIRMED,
                OrderStatusChangedEvent.confirmed(order).toJson()));
        replay.accept(event("order", order, 2, OrderStatusChangedEvent.CANCELLED,
                OrderStatusChangedEvent.cancelled(order).toJson()));
        assertEquals(OrderStatus.CONFIRMED, view(replay).status());
    }

    @Test
    void admissionLeavesOutLaterEvents() throws SQLException {
        Replay replay = new Replay(new OrderViewsProjection(), (event, position) -> event.aggregateType().equals("order")
                && event.sequence() <= 1);
        replay.accept(renamed(1, "Tea"));
        replay.accept(placed(1, "Tea"));
        replay.accept(event("order", order, 2, OrderStatusChangedEvent.CANCELLED,
                OrderStatusChangedEvent.cancelled(order).toJson()));
        assertTrue(replay.views().of(OrderView.TABLE).get(order).isPresent());
        assertEquals(OrderStatus.PENDING, view(replay).status());
        assertEquals(1, view(replay).version());
    }

    @Test
    void changedRowsAreHandedOutOnce() throws SQLException {
        Replay replay = orders();
        replay.accept(placed(1, "Tea"));
        MemoryViews.Table<OrderView> rows = replay.views().of(OrderView.TABLE);
        assertEquals(1, rows.takeChanged().size());
        assertTrue(rows.takeChanged().isEmpty());
        replay.accept(renamed(2, "Green tea"));
        assertEquals(order, rows.takeChanged().get(0).orderId());
    }
}
