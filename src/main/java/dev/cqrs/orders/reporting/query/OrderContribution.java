package dev.cqrs.orders.reporting.query;

import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.readmodel.ViewTable;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * A row of {@code order_contributions}: what one order counts in its customer's summary and its
 * product's sales, as of its {@code version}. The counting rules live here and nowhere else.
 */
record OrderContribution(UUID orderId, UUID userId, UUID productId, OrderStatus status, int quantity,
                         BigDecimal totalPrice, int version) {

    static final ViewTable<OrderContribution> TABLE = ViewTable.rows("order_contributions", OrderContribution.class);

    /** A cancelled order spends nothing. */
    BigDecimal spent() {
        return status == OrderStatus.CANCELLED ? BigDecimal.ZERO : totalPrice;
    }

    /** A cancelled order sells nothing. */
    long units() {
        return status == OrderStatus.CANCELLED ? 0 : quantity;
    }

    /** What the customer's summary gains going from {@code before} (null: nothing) to this. */
    UserSummary summaryDelta(OrderContribution before) {
        long[] byStatus = new long[OrderStatus.values().length];
        byStatus[status.ordinal()]++;
        if (before != null) {
            byStatus[before.status.ordinal()]--;
        }
        return new UserSummary(userId, byStatus[OrderStatus.PENDING.ordinal()], byStatus[OrderStatus.CONFIRMED.ordinal()],
                byStatus[OrderStatus.SHIPPED.ordinal()], byStatus[OrderStatus.CANCELLED.ordinal()],
                spent().subtract(before == null ? BigDecimal.ZERO : before.spent()));
    }

    /** What the product's sales gain going from {@code before} (null: nothing) to this. */
    ProductSales salesDelta(OrderContribution before) {
        return new ProductSales(productId, units() - (before == null ? 0 : before.units()),
                spent().subtract(before == null ? BigDecimal.ZERO : before.spent()));
    }
}
