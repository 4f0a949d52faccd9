package dev.cqrs.orders.order.command;

import dev.cqrs.orders.eventstore.EventStore;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.order.events.OrderPlacedEvent;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.eventstore.PendingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class PlaceOrderHandler {

    @PersistenceContext(unitName = "write")
    EntityManager em;

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
        em.persist(order);
        eventStore.append(OrderEvents.AGGREGATE_TYPE, order.id(), 0, now,
                List.of(PendingEvent.of(OrderPlacedEvent.TYPE, placed.toJson())));
        return new CommandResult(order.id(), order.version());
    }
}
