package dev.cqrs.orders.order.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.util.UUID;

/**
 * An order moved along its lifecycle: {@code OrderConfirmed}, {@code OrderShipped} or
 * {@code OrderCancelled} (the type), each carrying the status it reached.
 */
public record OrderStatusChangedEvent(String type, UUID orderId, String status) implements OrderEvent {

    public static final String CONFIRMED = "OrderConfirmed";
    public static final String SHIPPED = "OrderShipped";
    public static final String CANCELLED = "OrderCancelled";

    public static OrderStatusChangedEvent confirmed(UUID orderId) {
        return new OrderStatusChangedEvent(CONFIRMED, orderId, "CONFIRMED");
    }

    public static OrderStatusChangedEvent shipped(UUID orderId) {
        return new OrderStatusChangedEvent(SHIPPED, orderId, "SHIPPED");
    }

    public static OrderStatusChangedEvent cancelled(UUID orderId) {
        return new OrderStatusChangedEvent(CANCELLED, orderId, "CANCELLED");
    }

    @Override
    public JsonObject toJson() {
        return JsonSupport.object()
                .add("order_id", orderId.toString())
                .add("status", status)
                .build();
    }

    public static OrderStatusChangedEvent fromJson(String type, JsonObject json) {
        return new OrderStatusChangedEvent(type, UUID.fromString(json.getString("order_id")), json.getString("status"));
    }
}
