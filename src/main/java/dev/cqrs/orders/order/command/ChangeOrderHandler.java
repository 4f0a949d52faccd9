package dev.cqrs.orders.order.command;

import dev.cqrs.orders.eventstore.EventStore;
import dev.cqrs.orders.order.events.OrderEvent;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.platform.command.Aggregates;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.platform.command.ExpectedVersion;
import dev.cqrs.orders.eventstore.PendingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.security.Caller;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Commands on an existing order: change its quantity, confirm, ship, cancel. The order's row is
 * locked for the transaction, so concurrent commands on one order take turns, each seeing the
 * state the previous one left: no update is lost, and a rule broken by the time a command's turn
 * comes is a 409 (or a 412 for a stale {@code If-Match}).
 */
@ApplicationScoped
public class ChangeOrderHandler {

    @PersistenceContext(unitName = "write")
    EntityManager em;

    @Inject
    EventStore eventStore;

    @Inject
    Caller caller;

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult changeQuantity(UUID orderId, ExpectedVersion expected, int quantity) {
        return change(orderId, expected, order -> order.changeQuantity(quantity));
    }

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult confirm(UUID orderId, ExpectedVersion expected) {
        return change(orderId, expected, Order::confirm);
    }

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult ship(UUID orderId, ExpectedVersion expected) {
        return change(orderId, expected, Order::ship);
    }

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult cancel(UUID orderId, ExpectedVersion expected) {
        return change(orderId, expected, Order::cancel);
    }

    private CommandResult change(UUID orderId, ExpectedVersion expected, Function<Order, OrderEvent> command) {
        Order order = Aggregates.lockForChange(em, Order.class, orderId, "order");
        if (!caller.mayAccess(order.userId())) {
            // Someone else's order: answered as if it did not exist, so ids are not confirmed.
            throw new AggregateNotFoundException("order", orderId);
        }
        int before = order.version();
        expected.check("order", orderId, before);
        OrderEvent event = command.apply(order);
        eventStore.append(OrderEvents.AGGREGATE_TYPE, orderId, before, Instant.now(),
                List.of(PendingEvent.of(event.type(), event.toJson())));
        return new CommandResult(orderId, order.version());
    }
}
