package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.eventstore.EventStore;
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
public class AddProductHandler {

    @PersistenceContext(unitName = "write")
    EntityManager em;

    @Inject
    EventStore eventStore;

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult handle(AddProductCommand command) {
        ProductAddedEvent event = new ProductAddedEvent(UUID.randomUUID(), command.name(), command.price());
        Product product = Product.add(event);
        em.persist(product);
        eventStore.append(ProductEvents.AGGREGATE_TYPE, product.id(), 0, Instant.now(),
                List.of(PendingEvent.of(ProductAddedEvent.TYPE, event.toJson())));
        return new CommandResult(product.id(), product.version());
    }
}
