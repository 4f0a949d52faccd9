package dev.cqrs.orders.order.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.order.events.OrderEvent;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.order.events.OrderQuantityChangedEvent;
import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.order.events.OrderStatusChangedEvent;
import dev.cqrs.orders.platform.problem.InvalidTransitionException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The order's rules, given its past events, when a command comes, expect the event it decides or
 * the error, for every transition of the lifecycle.
 */
class OrderTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final UUID ORDER = UUID.fromString("00000000-0000-0000-0000-0000000000a1");

    private static OrderPlacedEvent placed(int quantity, String unitPrice) {
        return new OrderPlacedEvent(ORDER, UUID.randomUUID(), UUID.randomUUID(), quantity, new BigDecimal(unitPrice),
                "Beans", 1, "ann@example.com", 1);
    }

    /** The order after these events: placed (3 at 24.90), then the status moves. */
    private static Order given(OrderStatus status) {
        List<OrderEvent> history = new ArrayList<>(List.of(placed(3, "24.90")));
        switch (status) {
            case PENDING -> { }
            case CONFIRMED -> history.add(OrderStatusChangedEvent.confirmed(ORDER));
            case SHIPPED -> history.addAll(List.of(OrderStatusChangedEvent.confirmed(ORDER),
                    OrderStatusChangedEvent.shipped(ORDER)));
            case CANCELLED -> history.add(OrderStatusChangedEvent.cancelled(ORDER));
        }
        return Order.fromHistory(NOW, history);
    }

    private static void expectEvent(OrderStatus from, Function<Order, OrderEvent> command, OrderEvent expected,
                                    OrderStatus to) {
        Order order = given(from);
        int version = order.version();
        assertEquals(expected, command.apply(order));
        assertEquals(to, order.status());
        assertEquals(version + 1, order.version(), "each accepted command adds one version");
    }

    private static void expectRefusal(OrderStatus from, Function<Order, OrderEvent> command) {
        Order order = given(from);
        int version = order.version();
        assertThrows(InvalidTransitionException.class, () -> command.apply(order));
        assertEquals(from, order.status(), "a refused command changes nothing");
        assertEquals(version, order.version());
    }

    @Test
    void placingMakesAPendingOrderAtVersionOne() {
        Order order = Order.place(placed(3, "24.90"), NOW);
        assertEquals(OrderStatus.PENDING, order.status());
        assertEquals(1, order.version());
        assertEquals(NOW, order.createdAt());
        assertEquals(new BigDecimal("74.70"), order.totalPrice());
    }

    @Test
    void totalIsQuantityTimesTheCapturedUnitPrice() {
        assertEquals(new BigDecimal("74.70"), Order.place(placed(3, "24.90"), NOW).totalPrice());
        assertEquals(new BigDecimal("0.00"), Order.place(placed(7, "0.00"), NOW).totalPrice());
    }

    @Test
    void theLargestAcceptedOrderFitsTheViewsTotalColumn() {
        // order_views.total_price is numeric(15,2): at most 13 digits before the point.
        BigDecimal largest = Order.place(placed(Order.MAX_QUANTITY, "1000000.00"), NOW).totalPrice();
        assertTrue(largest.precision() - largest.scale() <= 13, "total " + largest);
    }

    @Test
    void quantityMustBePositiveAndBounded() {
        assertThrows(IllegalArgumentException.class, () -> Order.place(placed(0, "1.00"), NOW));
        assertThrows(IllegalArgumentException.class, () -> Order.place(placed(-1, "1.00"), NOW));
        assertThrows(IllegalArgumentException.class, () -> Order.place(placed(Order.MAX_QUANTITY + 1, "1.00"), NOW));
        assertThrows(IllegalArgumentException.class, () -> given(OrderStatus.PENDING).changeQuantity(0));
    }

    @Test
    void unitPriceMustNotBeNegative() {
        assertThrows(IllegalArgumentException.class, () -> Order.place(placed(1, "-0.01"), NOW));
    }

    @Test
    void aPendingOrderChangesItsQuantityAtTheCapturedPrice() {
        expectEvent(OrderStatus.PENDING, o -> o.changeQuantity(5),
                new OrderQuantityChangedEvent(ORDER, 5, new BigDecimal("124.50")), OrderStatus.PENDING);
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"CONFIRMED", "SHIPPED", "CANCELLED"})
    void onlyAPendingOrderChangesItsQuantity(OrderStatus status) {
        expectRefusal(status, o -> o.changeQuantity(5));
    }

    @Test
    void aPendingOrderIsConfirmed() {
        expectEvent(OrderStatus.PENDING, Order::confirm, OrderStatusChangedEvent.confirmed(ORDER), OrderStatus.CONFIRMED);
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"CONFIRMED", "SHIPPED", "CANCELLED"})
    void onlyAPendingOrderIsConfirmed(OrderStatus status) {
        expectRefusal(status, Order::confirm);
    }

    @Test
    void aConfirmedOrderIsShipped() {
        expectEvent(OrderStatus.CONFIRMED, Order::ship, OrderStatusChangedEvent.shipped(ORDER), OrderStatus.SHIPPED);
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"PENDING", "SHIPPED", "CANCELLED"})
    void onlyAConfirmedOrderIsShipped(OrderStatus status) {
        expectRefusal(status, Order::ship);
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"PENDING", "CONFIRMED"})
    void aPendingOrConfirmedOrderIsCancelled(OrderStatus status) {
        expectEvent(status, Order::cancel, OrderStatusChangedEvent.cancelled(ORDER), OrderStatus.CANCELLED);
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"SHIPPED", "CANCELLED"})
    void aShippedOrCancelledOrderIsNotCancelled(OrderStatus status) {
        expectRefusal(status, Order::cancel);
    }

    @Test
    void theStateIsTheFoldOfTheEvents() {
        Order order = Order.fromHistory(NOW, List.of(placed(3, "24.90"),
                new OrderQuantityChangedEvent(ORDER, 4, new BigDecimal("99.60")),
                OrderStatusChangedEvent.confirmed(ORDER)));
        assertEquals(4, order.quantity());
        assertEquals(OrderStatus.CONFIRMED, order.status());
        assertEquals(3, order.version());
        assertEquals(new BigDecimal("99.60"), order.totalPrice());
        assertThrows(IllegalArgumentException.class,
                () -> Order.fromHistory(NOW, List.of(OrderStatusChangedEvent.confirmed(ORDER))));
    }

    @Test
    void eventsSurviveTheirJsonForm() {
        List<OrderEvent> events = List.of(placed(2, "3.50"), new OrderQuantityChangedEvent(ORDER, 4, new BigDecimal("14.00")),
                OrderStatusChangedEvent.confirmed(ORDER), OrderStatusChangedEvent.shipped(ORDER),
                OrderStatusChangedEvent.cancelled(ORDER));
        for (OrderEvent event : events) {
            assertEquals(event, OrderEvent.fromJson(event.type(), event.toJson()));
        }
    }
}
