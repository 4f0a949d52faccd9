package dev.cqrs.orders.reporting.query;

import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.order.events.OrderEvent;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.order.events.OrderQuantityChangedEvent;
import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.order.events.OrderStatusChangedEvent;
import dev.cqrs.orders.readmodel.Projection;
import dev.cqrs.orders.readmodel.Rows;
import dev.cqrs.orders.readmodel.ViewTable;
import dev.cqrs.orders.readmodel.Views;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The business figures: {@code user_summaries} and {@code product_sales}, from the order events.
 * Each order's contribution is kept ({@code order_contributions}); an event changes it, and the
 * difference is added to the counters ({@link ViewTable#counters}: insert-only deltas, folded in
 * batches), so no order's transaction waits on a counter row another order holds. Each order
 * event comes once, in sequence (the runtime's gate); a placement seen again inserts nothing and
 * counts nothing.
 */
@ApplicationScoped
@Priority(40)
public class SalesProjection implements Projection {

    @Override
    public String name() {
        return "sales";
    }

    @Override
    public List<String> aggregateTypes() {
        return List.of(OrderEvents.AGGREGATE_TYPE);
    }

    @Override
    public List<ViewTable<?>> tables() {
        return List.of(OrderContribution.TABLE, UserSummary.TABLE, ProductSales.TABLE);
    }

    @Override
    public List<ViewTable<?>> views() {
        return List.of(UserSummary.TABLE, ProductSales.TABLE);
    }

    @Override
    public Map<String, ViewTable<?>> versions() {
        return Map.of(OrderEvents.AGGREGATE_TYPE, OrderContribution.TABLE);
    }

    @Override
    public boolean inSequence(String aggregateType) {
        return true;
    }

    @Override
    public void apply(EventEnvelope event, Views views) throws SQLException {
        OrderEvent change = OrderEvent.fromJson(event.type(), event.data());
        Rows<OrderContribution> contributions = views.of(OrderContribution.TABLE);
        OrderContribution before = null;
        OrderContribution after;
        if (change instanceof OrderPlacedEvent placed) {
            after = new OrderContribution(placed.orderId(), placed.userId(), placed.productId(), OrderStatus.PENDING,
                    placed.quantity(), placed.totalPrice(), event.sequence());
            contributions.insertIfAbsent(after); // new: the gate hands an order's first event over once
        } else if (change != null) {
            before = contributions.findForUpdate(event.aggregateId()).orElseThrow(() -> new IllegalStateException(
                    "sales: " + event.type() + " #" + event.sequence() + " of order " + event.aggregateId()
                            + " came before the order was placed"));
            if (change instanceof OrderQuantityChangedEvent quantity) {
                after = new OrderContribution(before.orderId(), before.userId(), before.productId(), before.status(),
                        quantity.quantity(), quantity.totalPrice(), event.sequence());
            } else {
                after = new OrderContribution(before.orderId(), before.userId(), before.productId(),
                        OrderStatus.valueOf(((OrderStatusChangedEvent) change).status()), before.quantity(),
                        before.totalPrice(), event.sequence());
            }
            contributions.update(after);
        } else {
            return; // an order event this version does not count
        }
        views.of(UserSummary.TABLE).add(after.summaryDelta(before));
        views.of(ProductSales.TABLE).add(after.salesDelta(before));
    }
}
