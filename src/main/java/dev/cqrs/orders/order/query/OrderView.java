package dev.cqrs.orders.order.query;

import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.JsonView;
import dev.cqrs.orders.readmodel.ViewTable;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code order_views}: the seed's denormalized order view plus its version and
 * updated_at, and the product and customer versions its name and e-mail come from (a rename or an
 * e-mail change rewrites only views that show an older one).
 */
public record OrderView(UUID orderId, UUID userId, UUID productId, int quantity, OrderStatus status,
                        Instant createdAt, String productName, String userEmail, BigDecimal unitPrice,
                        BigDecimal totalPrice, int version, Instant updatedAt, int productVersion,
                        int userVersion) implements JsonView {

    /**
     * Found by product and by customer too: a rename or an e-mail change rewrites their views. The
     * versions the name and e-mail come from are bookkeeping: a price change before or after an
     * order leaves the same name, taken at another version.
     */
    public static final ViewTable<OrderView> TABLE = ViewTable.rows("order_views", OrderView.class)
            .lookup("product_id").lookup("user_id").stampedAt("projected_at")
            .bookkeeping("product_version", "user_version").pushed();

    OrderView changed(int newQuantity, BigDecimal newTotal, OrderStatus newStatus, int newVersion, Instant at) {
        return new OrderView(orderId, userId, productId, newQuantity, newStatus, createdAt, productName, userEmail,
                unitPrice, newTotal, newVersion, at, productVersion, userVersion);
    }

    OrderView withProduct(String name, int fromVersion) {
        return new OrderView(orderId, userId, productId, quantity, status, createdAt, name, userEmail, unitPrice,
                totalPrice, version, updatedAt, fromVersion, userVersion);
    }

    OrderView withUser(String email, int fromVersion) {
        return new OrderView(orderId, userId, productId, quantity, status, createdAt, productName, email, unitPrice,
                totalPrice, version, updatedAt, productVersion, fromVersion);
    }

    @Override
    public JsonObject toJson() {
        return JsonSupport.object()
                .add("order_id", orderId.toString())
                .add("user_id", userId.toString())
                .add("product_id", productId.toString())
                .add("quantity", quantity)
                .add("status", status.name())
                .add("created_at", createdAt.toString())
                .add("product_name", productName)
                .add("user_email", userEmail)
                .add("unit_price", unitPrice)
                .add("total_price", totalPrice)
                .add("version", version)
                .add("updated_at", updatedAt.toString())
                .build();
    }
}
