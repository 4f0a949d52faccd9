package dev.cqrs.orders.catalog.query;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.readmodel.Projection;
import dev.cqrs.orders.readmodel.ViewTable;
import dev.cqrs.orders.readmodel.Views;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * {@code product_views}. Both product events carry the product's whole state (name and price), so
 * they apply in any order: the newest version wins ({@link ProductView#after}).
 */
@ApplicationScoped
@Priority(20)
public class ProductViewsProjection implements Projection {

    @Override
    public String name() {
        return ProductView.TABLE.name();
    }

    @Override
    public List<String> aggregateTypes() {
        return List.of(ProductEvents.AGGREGATE_TYPE);
    }

    @Override
    public List<ViewTable<?>> tables() {
        return List.of(ProductView.TABLE);
    }

    @Override
    public Map<String, ViewTable<?>> versions() {
        return Map.of(ProductEvents.AGGREGATE_TYPE, ProductView.TABLE);
    }

    @Override
    public void apply(EventEnvelope event, Views views) throws SQLException {
        String name;
        BigDecimal price;
        switch (event.type()) {
            case ProductAddedEvent.TYPE -> {
                ProductAddedEvent added = ProductAddedEvent.fromJson(event.data());
                name = added.name();
                price = added.price();
            }
            case ProductChangedEvent.TYPE -> {
                ProductChangedEvent changed = ProductChangedEvent.fromJson(event.data());
                name = changed.name();
                price = changed.price();
            }
            default -> {
                return; // a product event this version does not show
            }
        }
        views.of(ProductView.TABLE).merge(event.aggregateId(),
                new ProductView(event.aggregateId(), name, price, event.sequence(), event.occurredAt(), event.occurredAt()),
                view -> view.after(event.sequence(), name, price, event.occurredAt()));
    }
}
