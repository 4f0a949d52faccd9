package dev.cqrs.orders.projection.query;

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
import dev.cqrs.orders.platform.events.EventEnvelope;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReadModelFoldTest {

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

    @Test
    void anOrderShowsItsEventsAndTheNewestNames() {
        ReadModelFold fold = new ReadModelFold();
        fold.apply(event("product", product, 1, ProductAddedEvent.TYPE,
                new ProductAddedEvent(product, "Tea", new BigDecimal("2.50")).toJson()));
        fold.apply(event("customer", user, 1, CustomerRegisteredEvent.TYPE,
                new CustomerRegisteredEvent(user, "a@example.com").toJson()));
        fold.apply(placed(1, "Tea"));
        fold.apply(event("order", order, 2, OrderQuantityChangedEvent.TYPE,
                new OrderQuantityChangedEvent(order, 4, new BigDecimal("10.00")).toJson()));
        fold.apply(event("order", order, 3, OrderStatusChangedEvent.CONFIRMED,
                OrderStatusChangedEvent.confirmed(order).toJson()));
        fold.apply(renamed(2, "Green tea"));
        fold.apply(event("customer", user, 2, CustomerEmailChangedEvent.TYPE,
                new CustomerEmailChangedEvent(user, "b@example.com").toJson()));

        ReadModelFold.OrderRow row = fold.orders().get(order);
        assertEquals(4, row.quantity);
        assertEquals(new BigDecimal("10.00"), row.totalPrice);
        assertEquals("CONFIRMED", row.status);
        assertEquals(3, row.version);
        assertEquals("Green tea", row.productName);
        assertEquals("b@example.com", row.userEmail);
        assertEquals(T0.plusSeconds(1), row.createdAt);
        assertEquals(T0.plusSeconds(3), row.updatedAt);
        assertEquals("Green tea", fold.products().get(product).name);
        assertEquals(2, fold.users().get(user).version);
    }

    @Test
    void anOrderKeepsTheNameItSawWhenItIsNewerThanTheProductsKnown() {
        ReadModelFold fold = new ReadModelFold();
        fold.apply(event("product", product, 1, ProductAddedEvent.TYPE,
                new ProductAddedEvent(product, "Tea", new BigDecimal("2.50")).toJson()));
        fold.apply(placed(2, "Green tea"));
        assertEquals("Green tea", fold.orders().get(order).productName);
        fold.apply(renamed(2, "Green tea"));
        fold.apply(renamed(3, "Black tea"));
        assertEquals("Black tea", fold.orders().get(order).productName);
    }

    @Test
    void eventsReadBeforeTheirPredecessorsWaitForThem() {
        ReadModelFold fold = new ReadModelFold();
        EventEnvelope quantity = event("order", order, 2, OrderQuantityChangedEvent.TYPE,
                new OrderQuantityChangedEvent(order, 5, new BigDecimal("12.50")).toJson());
        EventEnvelope confirmed = event("order", order, 3, OrderStatusChangedEvent.CONFIRMED,
                OrderStatusChangedEvent.confirmed(order).toJson());
        fold.apply(confirmed);
        fold.apply(quantity);
        assertEquals(2, fold.waiting());
        assertNull(fold.orders().get(order));
        fold.apply(placed(1, "Tea"));
        assertEquals(0, fold.waiting());
        assertEquals(3, fold.orders().get(order).version);
        assertEquals(5, fold.orders().get(order).quantity);
        assertEquals("CONFIRMED", fold.orders().get(order).status);
    }

    @Test
    void repeatsAreIgnoredAndGapsWait() {
        ReadModelFold fold = new ReadModelFold();
        fold.apply(placed(1, "Tea"));
        fold.apply(placed(1, "Tea"));
        EventEnvelope quantity = event("order", order, 2, OrderQuantityChangedEvent.TYPE,
                new OrderQuantityChangedEvent(order, 5, new BigDecimal("12.50")).toJson());
        fold.apply(quantity);
        fold.apply(quantity);
        assertEquals(2, fold.orders().get(order).version);
        assertEquals(5, fold.orders().get(order).quantity);
        fold.apply(event("order", order, 4, OrderStatusChangedEvent.SHIPPED, OrderStatusChangedEvent.shipped(order).toJson()));
        assertEquals(1, fold.waiting());
        assertEquals(2, fold.orders().get(order).version);
    }

    @Test
    void limitsLeaveOutLaterEvents() {
        ReadModelFold fold = new ReadModelFold((type, id) -> type.equals("order") ? 1 : 0);
        fold.apply(renamed(1, "Tea"));
        fold.apply(placed(1, "Tea"));
        fold.apply(event("order", order, 2, OrderStatusChangedEvent.CANCELLED,
                OrderStatusChangedEvent.cancelled(order).toJson()));
        assertNull(fold.products().get(product));
        assertEquals("PENDING", fold.orders().get(order).status);
        assertEquals(1, fold.orders().get(order).version);
    }

    @Test
    void changedRowsAreHandedOutOnce() {
        ReadModelFold fold = new ReadModelFold();
        fold.apply(placed(1, "Tea"));
        assertEquals(1, fold.takeChangedOrders().size());
        assertTrue(fold.takeChangedOrders().isEmpty());
        fold.apply(renamed(2, "Green tea"));
        assertEquals(order, fold.takeChangedOrders().get(0).orderId);
    }
}
