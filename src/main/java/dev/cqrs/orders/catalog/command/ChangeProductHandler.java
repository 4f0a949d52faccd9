package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.eventstore.EventStore;
import dev.cqrs.orders.platform.command.Aggregates;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.platform.command.ExpectedVersion;
import dev.cqrs.orders.eventstore.PendingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Renames and/or reprices a product; its row is locked, so concurrent changes take turns. */
@ApplicationScoped
public class ChangeProductHandler {

    @PersistenceContext(unitName = "write")
    EntityManager em;

    @Inject
    EventStore eventStore;

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult handle(UUID productId, ExpectedVersion expected, ChangeProductCommand command) {
        Product product = Aggregates.lockForChange(em, Product.class, productId, "product");
        int before = product.version();
        expected.check("product", productId, before);
        ProductChangedEvent event = product.change(command.name(), command.price());
        eventStore.append(ProductEvents.AGGREGATE_TYPE, productId, before, Instant.now(),
                List.of(PendingEvent.of(ProductChangedEvent.TYPE, event.toJson())));
        return new CommandResult(productId, product.version());
    }
}
