package dev.cqrs.orders.order.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static Order place(int quantity, String unitPrice) {
        return Order.place(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), quantity,
                new BigDecimal(unitPrice), NOW);
    }

    @Test
    void aPlacedOrderIsPendingAtVersionOne() {
        Order order = place(3, "24.90");
        assertEquals(OrderStatus.PENDING, order.status());
        assertEquals(1, order.version());
        assertEquals(NOW, order.createdAt());
    }

    @Test
    void totalIsQuantityTimesTheCapturedUnitPrice() {
        assertEquals(new BigDecimal("74.70"), place(3, "24.90").totalPrice());
        assertEquals(new BigDecimal("0.00"), place(7, "0.00").totalPrice());
    }

    @Test
    void theLargestAcceptedOrderFitsTheViewsTotalColumn() {
        // order_views.total_price is numeric(15,2): at most 13 digits before the point.
        BigDecimal largest = place(Order.MAX_QUANTITY, "1000000.00").totalPrice();
        assertEquals(true, largest.precision() - largest.scale() <= 13, "total " + largest);
    }

    @Test
    void quantityMustBePositiveAndBounded() {
        assertThrows(IllegalArgumentException.class, () -> place(0, "1.00"));
        assertThrows(IllegalArgumentException.class, () -> place(-1, "1.00"));
        assertThrows(IllegalArgumentException.class, () -> place(Order.MAX_QUANTITY + 1, "1.00"));
    }

    @Test
    void unitPriceMustNotBeNegative() {
        assertThrows(IllegalArgumentException.class, () -> place(1, "-0.01"));
    }
}
