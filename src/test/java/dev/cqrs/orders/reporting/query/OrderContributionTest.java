package dev.cqrs.orders.reporting.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.order.events.OrderStatus;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The counting rules: what an order adds to its customer's summary and its product's sales. */
class OrderContributionTest {

    private static final UUID ORDER = UUID.randomUUID();
    private static final UUID USER = UUID.randomUUID();
    private static final UUID PRODUCT = UUID.randomUUID();

    private static OrderContribution order(OrderStatus status, int quantity, String total, int version) {
        return new OrderContribution(ORDER, USER, PRODUCT, status, quantity, new BigDecimal(total), version);
    }

    @Test
    void aPlacedOrderCountsAsPendingWithItsTotalAndUnits() {
        OrderContribution placed = order(OrderStatus.PENDING, 3, "7.50", 1);
        assertEquals(new UserSummary(USER, 1, 0, 0, 0, new BigDecimal("7.50")), placed.summaryDelta(null));
        assertEquals(new ProductSales(PRODUCT, 3, new BigDecimal("7.50")), placed.salesDelta(null));
    }

    @Test
    void aCancelledOrderCountsNothingButItsStatus() {
        OrderContribution confirmed = order(OrderStatus.CONFIRMED, 3, "7.50", 2);
        OrderContribution cancelled = order(OrderStatus.CANCELLED, 3, "7.50", 3);
        assertEquals(new UserSummary(USER, 0, -1, 0, 1, new BigDecimal("-7.50")), cancelled.summaryDelta(confirmed));
        assertEquals(new ProductSales(PRODUCT, -3, new BigDecimal("-7.50")), cancelled.salesDelta(confirmed));
    }

    @Test
    void aQuantityChangeMovesTheTotalAndUnitsOnly() {
        OrderContribution before = order(OrderStatus.PENDING, 3, "7.50", 1);
        OrderContribution after = order(OrderStatus.PENDING, 5, "12.50", 2);
        assertEquals(new UserSummary(USER, 0, 0, 0, 0, new BigDecimal("5.00")), after.summaryDelta(before));
        assertEquals(new ProductSales(PRODUCT, 2, new BigDecimal("5.00")), after.salesDelta(before));
    }
}
