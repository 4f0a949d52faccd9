package dev.cqrs.orders.order.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.util.UUID;

/** A pending order's quantity changed; the total follows at the unit price captured at placement. */
public record OrderQuantityChangedEvent(UUID orderId, int quantity, BigDecimal totalPrice) implements OrderEvent {

    public static final String TYPE = "OrderQuantityChanged";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonObject toJson() {
        return JsonSupport.object()
                .add("order_id", orderId.toString())
                .add("quantity", quantity)
                .add("total_price", totalPrice)
                .build();
    }

    public static OrderQuantityChangedEvent fromJson(JsonObject json) {
        return new OrderQuantityChangedEvent(
                UUID.fromString(json.getString("order_id")),
                json.getInt("quantity"),
                json.getJsonNumber("total_price").bigDecimalValue());
    }
}
