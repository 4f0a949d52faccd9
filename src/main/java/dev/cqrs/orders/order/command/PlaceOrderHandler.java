package dev.cqrs.orders.order.command;

import dev.cqrs.orders.eventstore.EventStore;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.eventstore.PendingEvent;
import dev.cqrs.orders.platform.persistence.KeptWrites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Places an order: its row and its {@code OrderPlaced} event in the command's transaction. The row
 * is one JDBC insert, kept with the events and the audit row and sent with them ({@link KeptWrites}),
 * rather than written through the persistence unit: a new order has nothing to load, lock or
 * dirty-check, and this is the hottest command (issue 17: a Hibernate session per POST, opened only
 * to flush one insert). Changes to an order still load and lock the entity through JPA
 * ({@link ChangeOrderHandler}).
 */
@ApplicationScoped
public class PlaceOrderHandler {

    private static final String INSERT = """
            INSERT INTO orders (order_id, user_id, product_id, quantity, unit_price, status, created_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

    @Inject
    KeptWrites writes;

    @Inject
    OrderReferences references;

    @Inject
    EventStore eventStore;

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult handle(PlaceOrderCommand command) {
        OrderReferences.Snapshot refs = references.lookup(command.productId(), command.userId());
        Instant now = Instant.now();
        OrderPlacedEvent placed = new OrderPlacedEvent(UUID.randomUUID(), command.userId(), command.productId(),
                command.quantity(), refs.unitPrice(), refs.productName(), refs.productVersion(),
                refs.userEmail(), refs.userVersion());
        Order order = Order.place(placed, now);
        insert(order);
        eventStore.append(OrderEvents.AGGREGATE_TYPE, order.id(), 0, now,
                List.of(PendingEvent.of(OrderPlacedEvent.TYPE, placed.toJson())));
        return new CommandResult(order.id(), order.version());
    }

    private void insert(Order order) {
        writes.write(new KeptWrites.Write("order " + order.id(), INSERT, null, order.id(), order.userId(),
                order.productId(), order.quantity(), order.unitPrice(), order.status().name(), order.createdAt(),
                order.version()));
    }
}
