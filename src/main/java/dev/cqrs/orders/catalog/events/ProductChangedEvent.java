package dev.cqrs.orders.catalog.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * A product was renamed, repriced or both (one command, one event, one version): carries the
 * product's name and price after the change, and which of the two changed.
 */
public record ProductChangedEvent(UUID productId, String name, BigDecimal price, boolean renamed, boolean repriced) {

    public static final String TYPE = "ProductChanged";

    public JsonObject toJson() {
        return JsonSupport.object()
                .add("product_id", productId.toString())
                .add("name", name)
                .add("price", price)
                .add("renamed", renamed)
                .add("repriced", repriced)
                .build();
    }

    public static ProductChangedEvent fromJson(JsonObject json) {
        return new ProductChangedEvent(
                UUID.fromString(json.getString("product_id")),
                json.getString("name"),
                json.getJsonNumber("price").bigDecimalValue(),
                json.getBoolean("renamed"),
                json.getBoolean("repriced"));
    }
}
