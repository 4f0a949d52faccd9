package dev.cqrs.orders.order.events;

import jakarta.json.JsonObject;
import java.util.UUID;

/** An event of the order aggregate: what the order's own state is folded from. */
public sealed interface OrderEvent permits OrderPlacedEvent, OrderQuantityChangedEvent, OrderStatusChangedEvent {

    UUID orderId();

    /** The {@code type} of the event in the store and on the wire. */
    String type();

    JsonObject toJson();

    /** Reads an order event back from its type and data; {@code null} for a type this version does not know. */
    static OrderEvent fromJson(String type, JsonObject data) {
        return switch (type) {
            case OrderPlacedEvent.TYPE -> OrderPlacedEvent.fromJson(data);
            case OrderQuantityChangedEvent.TYPE -> OrderQuantityChangedEvent.fromJson(data);
            case OrderStatusChangedEvent.CONFIRMED, OrderStatusChangedEvent.SHIPPED, OrderStatusChangedEvent.CANCELLED ->
                    OrderStatusChangedEvent.fromJson(type, data);
            default -> null;
        };
    }
}
