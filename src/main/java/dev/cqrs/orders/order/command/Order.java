package dev.cqrs.orders.order.command;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An order as the write side keeps it. The unit price is captured when the order is placed, so a
 * later price change of the product leaves the order's total alone. Its version is its event sequence.
 */
@Entity(name = "PurchaseOrder")
@Table(name = "orders")
public class Order {

    public static final int MAX_QUANTITY = 1_000_000;

    @Id
    @Column(name = "order_id")
    private UUID id;

    @Column(name = "user_id")
    private UUID userId;

    @Column(name = "product_id")
    private UUID productId;

    private int quantity;

    @Column(name = "unit_price")
    private BigDecimal unitPrice;

    @Enumerated(EnumType.STRING)
    private OrderStatus status;

    @Column(name = "created_at")
    private Instant createdAt;

    @Version
    private int version;

    protected Order() {
    }

    private Order(UUID id, UUID userId, UUID productId, int quantity, BigDecimal unitPrice, Instant createdAt) {
        this.id = id;
        this.userId = userId;
        this.productId = productId;
        this.quantity = quantity;
        this.unitPrice = unitPrice;
        this.status = OrderStatus.PENDING;
        this.createdAt = createdAt;
        this.version = 1;
    }

    /** Places an order for {@code quantity} units at the product's current {@code unitPrice}. */
    public static Order place(UUID id, UUID userId, UUID productId, int quantity, BigDecimal unitPrice,
                              Instant now) {
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            throw new IllegalArgumentException("quantity must be between 1 and " + MAX_QUANTITY);
        }
        Objects.requireNonNull(unitPrice, "unitPrice");
        if (unitPrice.signum() < 0) {
            throw new IllegalArgumentException("unit price must not be negative");
        }
        return new Order(Objects.requireNonNull(id), Objects.requireNonNull(userId),
                Objects.requireNonNull(productId), quantity, unitPrice, Objects.requireNonNull(now));
    }

    public BigDecimal totalPrice() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }

    public UUID id() {
        return id;
    }

    public UUID userId() {
        return userId;
    }

    public UUID productId() {
        return productId;
    }

    public int quantity() {
        return quantity;
    }

    public BigDecimal unitPrice() {
        return unitPrice;
    }

    public OrderStatus status() {
        return status;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public int version() {
        return version;
    }
}
