package dev.cqrs.orders.order.events;

/** The order lifecycle: PENDING -> CONFIRMED -> SHIPPED, or CANCELLED from PENDING or CONFIRMED. */
public enum OrderStatus {
    PENDING, CONFIRMED, SHIPPED, CANCELLED
}
