package dev.cqrs.orders.catalog.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.util.UUID;

/** A product was added to the catalog. */
public record ProductAddedEvent(UUID productId, String name, BigDecimal price) {

    public static final String TYPE = "ProductAdded";

    public JsonObject toJson() {
        return JsonSupport.object()
                .add("product_id", productId.toString())
                .add("name", name)
                .add("price", price)
                .build();
    }

    public static ProductAddedEvent fromJson(JsonObject json) {
        return new ProductAddedEvent(
                UUID.fromString(json.getString("product_id")),
                json.getString("name"),
                json.getJsonNumber("price").bigDecimalValue());
    }
}
