package dev.cqrs.orders.order.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * An order was placed (it is PENDING). Carries what the order captured at that moment: the unit
 * price, and the product's name and the customer's e-mail with the versions they were read at, so
 * that a view can be complete without waiting for the catalog's or the customer's own events.
 */
public record OrderPlacedEvent(
        UUID orderId,
        UUID userId,
        UUID productId,
        int quantity,
        BigDecimal unitPrice,
        String productName,
        int productVersion,
        String userEmail,
        int userVersion) implements OrderEvent {

    public static final String TYPE = "OrderPlaced";

    @Override
    public String type() {
        return TYPE;
    }

    public BigDecimal totalPrice() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }

    @Override
    public JsonObject toJson() {
        return JsonSupport.object()
                .add("order_id", orderId.toString())
                .add("user_id", userId.toString())
                .add("product_id", productId.toString())
                .add("quantity", quantity)
                .add("unit_price", unitPrice)
                .add("product_name", productName)
                .add("product_version", productVersion)
                .add("user_email", userEmail)
                .add("user_version", userVersion)
                .build();
    }

    public static OrderPlacedEvent fromJson(JsonObject json) {
        return new OrderPlacedEvent(
                UUID.fromString(json.getString("order_id")),
                UUID.fromString(json.getString("user_id")),
                UUID.fromString(json.getString("product_id")),
                json.getInt("quantity"),
                json.getJsonNumber("unit_price").bigDecimalValue(),
                json.getString("product_name"),
                json.getInt("product_version"),
                json.getString("user_email"),
                json.getInt("user_version"));
    }
}
