package dev.cqrs.orders.order.query;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.order.events.OrderEvent;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.order.events.OrderQuantityChangedEvent;
import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.order.events.OrderStatusChangedEvent;
import dev.cqrs.orders.order.query.References.CustomerRef;
import dev.cqrs.orders.order.query.References.ProductRef;
import dev.cqrs.orders.readmodel.Projection;
import dev.cqrs.orders.readmodel.Rows;
import dev.cqrs.orders.readmodel.ViewTable;
import dev.cqrs.orders.readmodel.Views;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * {@code order_views}, with the product names and customer e-mails they show ({@link References}).
 *
 * <p>An order's events come in sequence, each once (the runtime's gate). Events of different
 * aggregates come in any order: an {@code OrderPlaced} carries the product name and e-mail it saw,
 * with their versions, and its view takes whichever is newer, that or the reference's. A rename or
 * an e-mail change rewrites only the views that show an older version, so views only move forward.
 *
 * <p>Live, placing an order reads the references under a shared lock, so orders of one product
 * project in parallel, while a rename (which updates the reference, then the views) waits for them
 * and then sees their views, or runs first and is seen by them. The rename locks views in key order;
 * an order's own events lock only its view.
 */
@ApplicationScoped
@Priority(10)
public class OrderViewsProjection implements Projection {

    @Override
    public String name() {
        return OrderView.TABLE.name();
    }

    /** Products and customers first: a rebuild then knows every name when it places the orders. */
    @Override
    public List<String> aggregateTypes() {
        return List.of(ProductEvents.AGGREGATE_TYPE, CustomerEvents.AGGREGATE_TYPE, OrderEvents.AGGREGATE_TYPE);
    }

    @Override
    public List<ViewTable<?>> tables() {
        return List.of(OrderView.TABLE, References.PRODUCTS, References.CUSTOMERS);
    }

    @Override
    public List<ViewTable<?>> views() {
        return List.of(OrderView.TABLE);
    }

    @Override
    public Map<String, ViewTable<?>> versions() {
        return Map.of(OrderEvents.AGGREGATE_TYPE, OrderView.TABLE, ProductEvents.AGGREGATE_TYPE, References.PRODUCTS,
                CustomerEvents.AGGREGATE_TYPE, References.CUSTOMERS);
    }

    @Override
    public boolean inSequence(String aggregateType) {
        return aggregateType.equals(OrderEvents.AGGREGATE_TYPE);
    }

    @Override
    public void apply(EventEnvelope event, Views views) throws SQLException {
        switch (event.aggregateType()) {
            case OrderEvents.AGGREGATE_TYPE -> order(event, views);
            case ProductEvents.AGGREGATE_TYPE -> product(event, views);
            case CustomerEvents.AGGREGATE_TYPE -> customer(event, views);
            default -> {
                // not read
            }
        }
    }

    private void order(EventEnvelope event, Views views) throws SQLException {
        OrderEvent change = OrderEvent.fromJson(event.type(), event.data());
        Rows<OrderView> orders = views.of(OrderView.TABLE);
        if (change instanceof OrderPlacedEvent placed) {
            placed(event, placed, views);
            return;
        }
        if (change == null) {
            return; // an order event this version does not show
        }
        OrderView view = orders.findForUpdate(event.aggregateId()).orElseThrow(() -> new IllegalStateException(
                "order_views: " + event.type() + " #" + event.sequence() + " of order " + event.aggregateId()
                        + " came before the order's view exists"));
        if (change instanceof OrderQuantityChangedEvent quantity) {
            orders.update(view.changed(quantity.quantity(), quantity.totalPrice(), view.status(), event.sequence(),
                    event.occurredAt()));
        } else if (change instanceof OrderStatusChangedEvent status) {
            orders.update(view.changed(view.quantity(), view.totalPrice(), OrderStatus.valueOf(status.status()),
                    event.sequence(), event.occurredAt()));
        }
    }

    private void placed(EventEnvelope event, OrderPlacedEvent placed, Views views) throws SQLException {
        Rows<ProductRef> products = views.of(References.PRODUCTS);
        Rows<CustomerRef> customers = views.of(References.CUSTOMERS);
        // Shared locks until the transaction ends: a rename or an e-mail change waits for this view
        // to exist, then rewrites it if it must. A reference not there yet is made first (its insert
        // is the lock), product before customer, always; at version 0, so that a reference's version
        // is always that of the last product (customer) event applied, which the lag monitor and the
        // verifier read. The order's snapshot, newer, wins below.
        Optional<ProductRef> product = products.find(placed.productId());
        Optional<CustomerRef> customer = customers.find(placed.userId());
        if (product.isEmpty() || customer.isEmpty()) {
            products.insert(new ProductRef(placed.productId(), placed.productName(), 0));
            customers.insert(new CustomerRef(placed.userId(), placed.userEmail(), 0));
            product = products.find(placed.productId());
            customer = customers.find(placed.userId());
        }
        // Whichever is newer: what the read side knows, or what the order saw (the product or
        // customer event with that version is then still on its way, and leaves this view alone).
        ProductRef name = product.orElseThrow();
        if (name.version() < placed.productVersion()) {
            name = new ProductRef(placed.productId(), placed.productName(), placed.productVersion());
        }
        CustomerRef email = customer.orElseThrow();
        if (email.version() < placed.userVersion()) {
            email = new CustomerRef(placed.userId(), placed.userEmail(), placed.userVersion());
        }
        views.of(OrderView.TABLE).insertIfAbsent(new OrderView(placed.orderId(), placed.userId(), placed.productId(),
                placed.quantity(), OrderStatus.PENDING, event.occurredAt(), name.name(), email.email(),
                placed.unitPrice(), placed.totalPrice(), event.sequence(), event.occurredAt(), name.version(),
                email.version()));
    }

    private void product(EventEnvelope event, Views views) throws SQLException {
        String name;
        boolean renamed;
        switch (event.type()) {
            case ProductAddedEvent.TYPE -> {
                name = ProductAddedEvent.fromJson(event.data()).name();
                renamed = false;
            }
            case ProductChangedEvent.TYPE -> {
                ProductChangedEvent changed = ProductChangedEvent.fromJson(event.data());
                name = changed.name();
                renamed = changed.renamed();
            }
            default -> {
                return;
            }
        }
        int version = event.sequence();
        views.of(References.PRODUCTS).merge(event.aggregateId(), new ProductRef(event.aggregateId(), name, version),
                ref -> ref.version() < version ? new ProductRef(ref.productId(), name, version) : ref);
        if (renamed) {
            rewrite(views, "product_id", event.aggregateId(),
                    view -> view.productVersion() < version ? view.withProduct(name, version) : view);
        }
    }

    private void customer(EventEnvelope event, Views views) throws SQLException {
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
        int version = event.sequence();
        views.of(References.CUSTOMERS).merge(event.aggregateId(), new CustomerRef(event.aggregateId(), email, version),
                ref -> ref.version() < version ? new CustomerRef(ref.userId(), email, version) : ref);
        if (changedEmail) {
            rewrite(views, "user_id", event.aggregateId(),
                    view -> view.userVersion() < version ? view.withUser(email, version) : view);
        }
    }

    /**
     * A rename or an e-mail change, in every view of the product or customer ({@code column} =
     * {@code id}) that shows an older version: {@code change} answers the view as it must be.
     */
    private static void rewrite(Views views, String column, UUID id, UnaryOperator<OrderView> change)
            throws SQLException {
        Rows<OrderView> orders = views.of(OrderView.TABLE);
        List<OrderView> rewritten = new ArrayList<>();
        for (OrderView view : orders.findForUpdate(column, id)) {
            OrderView changed = change.apply(view);
            if (changed != view) {
                rewritten.add(changed);
            }
        }
        orders.update(rewritten);
    }
}
