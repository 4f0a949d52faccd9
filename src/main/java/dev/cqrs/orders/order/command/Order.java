package dev.cqrs.orders.order.command;

import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.order.events.OrderEvent;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.order.events.OrderQuantityChangedEvent;
import dev.cqrs.orders.order.events.OrderStatusChangedEvent;
import dev.cqrs.orders.platform.problem.InvalidTransitionException;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An order as the write side keeps it. The unit price is captured when the order is placed, so a
 * later price change of the product leaves the order's total alone.
 *
 * <p>Each command method checks the rule, decides the event, applies it to this order and returns
 * it for the event store; the state is exactly the fold of the order's events
 * ({@link #fromHistory}), and its version is the number of events (its event sequence).
 * Concurrent commands on one order are serialized by the handler's row lock.
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

    // The event sequence, kept by apply(): not JPA's @Version, whose increments are JPA's own.
    private int version;

    protected Order() {
    }

    /** Checks a placement: quantity within 1..MAX_QUANTITY and a non-negative unit price. */
    public static void checkPlacement(int quantity, BigDecimal unitPrice) {
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            throw new IllegalArgumentException("quantity must be between 1 and " + MAX_QUANTITY);
        }
        Objects.requireNonNull(unitPrice, "unitPrice");
        if (unitPrice.signum() < 0) {
            throw new IllegalArgumentException("unit price must not be negative");
        }
    }

    /** Places an order from its {@code OrderPlaced} event: PENDING, at version 1. */
    public static Order place(OrderPlacedEvent placed, Instant now) {
        checkPlacement(placed.quantity(), placed.unitPrice());
        Order order = new Order();
        order.createdAt = Objects.requireNonNull(now);
        order.apply(placed);
        return order;
    }

    /** The order as its events make it. */
    public static Order fromHistory(Instant placedAt, List<? extends OrderEvent> events) {
        if (events.isEmpty() || !(events.get(0) instanceof OrderPlacedEvent)) {
            throw new IllegalArgumentException("an order's history starts with OrderPlaced");
        }
        Order order = new Order();
        order.createdAt = placedAt;
        events.forEach(order::apply);
        return order;
    }

    public OrderQuantityChangedEvent changeQuantity(int newQuantity) {
        if (status != OrderStatus.PENDING) {
            throw refused("change the quantity of", "only a PENDING order's quantity can change");
        }
        if (newQuantity < 1 || newQuantity > MAX_QUANTITY) {
            throw new IllegalArgumentException("quantity must be between 1 and " + MAX_QUANTITY);
        }
        OrderQuantityChangedEvent event = new OrderQuantityChangedEvent(id, newQuantity,
                unitPrice.multiply(BigDecimal.valueOf(newQuantity)));
        apply(event);
        return event;
    }

    public OrderStatusChangedEvent confirm() {
        if (status != OrderStatus.PENDING) {
            throw refused("confirm", "only a PENDING order can be confirmed");
        }
        return applied(OrderStatusChangedEvent.confirmed(id));
    }

    public OrderStatusChangedEvent ship() {
        if (status != OrderStatus.CONFIRMED) {
            throw refused("ship", "only a CONFIRMED order can be shipped");
        }
        return applied(OrderStatusChangedEvent.shipped(id));
    }

    public OrderStatusChangedEvent cancel() {
        if (status != OrderStatus.PENDING && status != OrderStatus.CONFIRMED) {
            throw refused("cancel", "only a PENDING or CONFIRMED order can be cancelled");
        }
        return applied(OrderStatusChangedEvent.cancelled(id));
    }

    private OrderStatusChangedEvent applied(OrderStatusChangedEvent event) {
        apply(event);
        return event;
    }

    private InvalidTransitionException refused(String action, String rule) {
        return new InvalidTransitionException("cannot " + action + " order " + id + ": it is " + status + "; " + rule);
    }

    private void apply(OrderEvent event) {
        // (Java 17: no pattern matching in switch yet; the interface is sealed, so these are all.)
        if (event instanceof OrderPlacedEvent placed) {
            id = placed.orderId();
            userId = placed.userId();
            productId = placed.productId();
            quantity = placed.quantity();
            unitPrice = placed.unitPrice();
            status = OrderStatus.PENDING;
        } else if (event instanceof OrderQuantityChangedEvent changed) {
            quantity = changed.quantity();
        } else if (event instanceof OrderStatusChangedEvent moved) {
            status = OrderStatus.valueOf(moved.status());
        }
        version++;
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
