package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code order_views} in the read database: the seed's view plus version and updated_at. */
@Entity
@Table(name = "order_views")
public class OrderView {

    @Id
    @Column(name = "order_id")
    private UUID orderId;

    @Column(name = "user_id")
    private UUID userId;

    @Column(name = "product_id")
    private UUID productId;

    private int quantity;

    private String status;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "product_name")
    private String productName;

    @Column(name = "user_email")
    private String userEmail;

    @Column(name = "unit_price")
    private BigDecimal unitPrice;

    @Column(name = "total_price")
    private BigDecimal totalPrice;

    private int version;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected OrderView() {
    }

    public UUID userId() {
        return userId;
    }

    public UUID orderId() {
        return orderId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String status() {
        return status;
    }

    public int version() {
        return version;
    }

    public JsonObject toJson() {
        return JsonSupport.object()
                .add("order_id", orderId.toString())
                .add("user_id", userId.toString())
                .add("product_id", productId.toString())
                .add("quantity", quantity)
                .add("status", status)
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
