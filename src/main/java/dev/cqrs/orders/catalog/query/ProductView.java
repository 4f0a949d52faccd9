package dev.cqrs.orders.catalog.query;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.JsonView;
import dev.cqrs.orders.readmodel.ViewTable;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code product_views}: what {@code GET /products/{id}} answers. */
public record ProductView(UUID productId, String name, BigDecimal price, int version, Instant createdAt,
                          Instant updatedAt) implements JsonView {

    public static final ViewTable<ProductView> TABLE = ViewTable.rows("product_views", ProductView.class).readByKey();

    /**
     * This view after a product event of {@code eventVersion} carrying the product's whole state:
     * the newest version wins, and the creation time is the earliest event's, whichever came first.
     */
    ProductView after(int eventVersion, String newName, BigDecimal newPrice, Instant at) {
        Instant created = at.isBefore(createdAt) ? at : createdAt;
        return eventVersion > version
                ? new ProductView(productId, newName, newPrice, eventVersion, created, at)
                : new ProductView(productId, name, price, version, created, updatedAt);
    }

    @Override
    public JsonObject toJson() {
        return JsonSupport.object()
                .add("product_id", productId.toString())
                .add("name", name)
                .add("price", price.setScale(2))
                .add("version", version)
                .add("created_at", createdAt.toString())
                .add("updated_at", updatedAt.toString())
                .build();
    }
}
