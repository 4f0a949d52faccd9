package dev.cqrs.orders.order.command;

/** The order lifecycle: PENDING -> CONFIRMED -> SHIPPED, or CANCELLED from PENDING or CONFIRMED. */
public enum OrderStatus {
    PENDING, CONFIRMED, SHIPPED, CANCELLED
}
