package dev.cqrs.orders.projection.query;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.order.events.OrderEvent;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.order.events.OrderQuantityChangedEvent;
import dev.cqrs.orders.order.events.OrderStatusChangedEvent;
import dev.cqrs.orders.platform.events.EventEnvelope;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The read models as the fold of the event store, in memory: what the live projections
 * ({@code OrderViewProjection}, {@code ProductViewProjection}, {@code UserViewProjection}) make of
 * the same events, computed without a database. A rebuild folds the store into it and writes the
 * rows into a shadow table; the verifier folds the store up to what each view says it has applied
 * ({@link Limits}) and compares.
 *
 * <p>The same rules as the live side: an order's events apply in sequence (a repeat is ignored; one
 * that comes before its predecessor waits for it, see {@link #waiting}); product and customer events carry their whole state and
 * the newest version wins; an order shows whichever is newer of the product name (customer e-mail)
 * it saw when placed and the product's (customer's) newest one; a rename or e-mail change rewrites
 * the orders that show an older one.
 */
public final class ReadModelFold {

    /** How far to fold each aggregate: events past its limit are left out. */
    @FunctionalInterface
    public interface Limits {
        Limits NONE = (type, id) -> Integer.MAX_VALUE;

        int of(String aggregateType, UUID aggregateId);
    }

    /** An {@code order_views} row. */
    public static final class OrderRow {
        public UUID orderId;
        public UUID userId;
        public UUID productId;
        public int quantity;
        public String status;
        public Instant createdAt;
        public String productName;
        public int productVersion;
        public String userEmail;
        public int userVersion;
        public BigDecimal unitPrice;
        public BigDecimal totalPrice;
        public int version;
        public Instant updatedAt;
    }

    /** A {@code product_views} row. */
    public static final class ProductRow {
        public UUID productId;
        public String name;
        public BigDecimal price;
        public int version;
        public Instant createdAt;
        public Instant updatedAt;
    }

    /** A {@code user_views} row. */
    public static final class UserRow {
        public UUID userId;
        public String email;
        public int version;
        public Instant createdAt;
        public Instant updatedAt;
    }

    private final Limits limits;
    private final Map<UUID, OrderRow> orders = new HashMap<>();
    private final Map<UUID, ProductRow> products = new HashMap<>();
    private final Map<UUID, UserRow> users = new HashMap<>();
    private final Map<UUID, List<OrderRow>> ordersByProduct = new HashMap<>();
    private final Map<UUID, List<OrderRow>> ordersByUser = new HashMap<>();
    private final Set<UUID> changedOrders = new LinkedHashSet<>();
    private final Set<UUID> changedProducts = new LinkedHashSet<>();
    private final Set<UUID> changedUsers = new LinkedHashSet<>();
    private final Map<UUID, TreeMap<Integer, EventEnvelope>> early = new HashMap<>();
    private long events;

    public ReadModelFold() {
        this(Limits.NONE);
    }

    public ReadModelFold(Limits limits) {
        this.limits = limits;
    }

    public Map<UUID, OrderRow> orders() {
        return orders;
    }

    public Map<UUID, ProductRow> products() {
        return products;
    }

    public Map<UUID, UserRow> users() {
        return users;
    }

    /** How many events were handed to {@link #apply}. */
    public long events() {
        return events;
    }

    /** The orders changed since the last call (for writing them out), and forgets them. */
    public List<OrderRow> takeChangedOrders() {
        return take(changedOrders, orders);
    }

    public List<ProductRow> takeChangedProducts() {
        return take(changedProducts, products);
    }

    public List<UserRow> takeChangedUsers() {
        return take(changedUsers, users);
    }

    private static <R> List<R> take(Set<UUID> changed, Map<UUID, R> rows) {
        List<R> taken = new ArrayList<>(changed.size());
        for (UUID id : changed) {
            taken.add(rows.get(id));
        }
        changed.clear();
        return taken;
    }

    public void apply(EventEnvelope event) {
        events++;
        if (event.sequence() > limits.of(event.aggregateType(), event.aggregateId())) {
            return;
        }
        switch (event.aggregateType()) {
            case OrderEvents.AGGREGATE_TYPE -> order(event);
            case ProductEvents.AGGREGATE_TYPE -> product(event);
            case CustomerEvents.AGGREGATE_TYPE -> customer(event);
            default -> {
                // An aggregate type no read model shows.
            }
        }
    }

    private void order(EventEnvelope event) {
        OrderEvent change = OrderEvent.fromJson(event.type(), event.data());
        if (change == null) {
            return;
        }
        OrderRow row = orders.get(event.aggregateId());
        if (change instanceof OrderPlacedEvent placed) {
            if (row == null) {
                placed(event, placed);
                applyEarly(event.aggregateId());
            }
            return;
        }
        if (row == null || event.sequence() > row.version + 1) {
            // Read ahead of its predecessor (a rebuild reads the store in physical order): it waits.
            early.computeIfAbsent(event.aggregateId(), id -> new TreeMap<>()).put(event.sequence(), event);
            return;
        }
        if (event.sequence() <= row.version) {
            return;
        }
        if (change instanceof OrderQuantityChangedEvent quantity) {
            row.quantity = quantity.quantity();
            row.totalPrice = quantity.totalPrice();
        } else if (change instanceof OrderStatusChangedEvent status) {
            row.status = status.status();
        }
        row.version = event.sequence();
        row.updatedAt = event.occurredAt();
        changedOrders.add(row.orderId);
        applyEarly(row.orderId);
    }

    /** Applies the events of an order that came before their turn, as far as they follow on. */
    private void applyEarly(UUID orderId) {
        TreeMap<Integer, EventEnvelope> waiting = early.get(orderId);
        if (waiting == null) {
            return;
        }
        Map.Entry<Integer, EventEnvelope> next = waiting.firstEntry();
        if (next != null && next.getKey() <= orders.get(orderId).version + 1) {
            waiting.remove(next.getKey());
            if (waiting.isEmpty()) {
                early.remove(orderId);
            }
            order(next.getValue());
        }
    }

    /**
     * How many order events wait for a predecessor the fold has not seen. Once a whole snapshot
     * is folded it must be 0: an aggregate's events are committed in sequence, so a snapshot that
     * shows one shows its predecessors.
     */
    public int waiting() {
        int count = 0;
        for (TreeMap<Integer, EventEnvelope> events : early.values()) {
            count += events.size();
        }
        return count;
    }

    private void placed(EventEnvelope event, OrderPlacedEvent placed) {
        OrderRow row = new OrderRow();
        row.orderId = placed.orderId();
        row.userId = placed.userId();
        row.productId = placed.productId();
        row.quantity = placed.quantity();
        row.status = "PENDING";
        row.createdAt = event.occurredAt();
        ProductRow product = products.get(placed.productId());
        if (product != null && product.version >= placed.productVersion()) {
            row.productName = product.name;
            row.productVersion = product.version;
        } else {
            row.productName = placed.productName();
            row.productVersion = placed.productVersion();
        }
        UserRow user = users.get(placed.userId());
        if (user != null && user.version >= placed.userVersion()) {
            row.userEmail = user.email;
            row.userVersion = user.version;
        } else {
            row.userEmail = placed.userEmail();
            row.userVersion = placed.userVersion();
        }
        row.unitPrice = placed.unitPrice();
        row.totalPrice = placed.totalPrice();
        row.version = event.sequence();
        row.updatedAt = event.occurredAt();
        orders.put(row.orderId, row);
        ordersByProduct.computeIfAbsent(row.productId, id -> new ArrayList<>()).add(row);
        ordersByUser.computeIfAbsent(row.userId, id -> new ArrayList<>()).add(row);
        changedOrders.add(row.orderId);
    }

    private void product(EventEnvelope event) {
        String name;
        BigDecimal price;
        boolean renamed;
        switch (event.type()) {
            case ProductAddedEvent.TYPE -> {
                ProductAddedEvent added = ProductAddedEvent.fromJson(event.data());
                name = added.name();
                price = added.price();
                renamed = false;
            }
            case ProductChangedEvent.TYPE -> {
                ProductChangedEvent changed = ProductChangedEvent.fromJson(event.data());
                name = changed.name();
                price = changed.price();
                renamed = changed.renamed();
            }
            default -> {
                return;
            }
        }
        ProductRow row = products.computeIfAbsent(event.aggregateId(), id -> new ProductRow());
        row.productId = event.aggregateId();
        row.createdAt = row.createdAt == null || event.occurredAt().isBefore(row.createdAt)
                ? event.occurredAt() : row.createdAt;
        if (event.sequence() > row.version) {
            row.name = name;
            row.price = price;
            row.version = event.sequence();
            row.updatedAt = event.occurredAt();
        }
        changedProducts.add(row.productId);
        if (renamed) {
            for (OrderRow order : ordersByProduct.getOrDefault(event.aggregateId(), List.of())) {
                if (order.productVersion < event.sequence()) {
                    order.productName = name;
                    order.productVersion = event.sequence();
                    changedOrders.add(order.orderId);
                }
            }
        }
    }

    private void customer(EventEnvelope event) {
        String email;
        boolean changedEmail;
        switch (event.type()) {
            case CustomerRegisteredEvent.TYPE -> {
                email = CustomerRegisteredEvent.fromJson(event.data()).email();
                changedEmail = false;
            }
            case CustomerEmailChangedEvent.TYPE -> {
                email = CustomerEmailChangedEvent.fromJson(event.data()).email();
                changedEmail = true;
            }
            default -> {
                return;
            }
        }
        UserRow row = users.computeIfAbsent(event.aggregateId(), id -> new UserRow());
        row.userId = event.aggregateId();
        row.createdAt = row.createdAt == null || event.occurredAt().isBefore(row.createdAt)
                ? event.occurredAt() : row.createdAt;
        if (event.sequence() > row.version) {
            row.email = email;
            row.version = event.sequence();
            row.updatedAt = event.occurredAt();
        }
        changedUsers.add(row.userId);
        if (changedEmail) {
            for (OrderRow order : ordersByUser.getOrDefault(event.aggregateId(), List.of())) {
                if (order.userVersion < event.sequence()) {
                    order.userEmail = email;
                    order.userVersion = event.sequence();
                    changedOrders.add(order.orderId);
                }
            }
        }
    }
}
