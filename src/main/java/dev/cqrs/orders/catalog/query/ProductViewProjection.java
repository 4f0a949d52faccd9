package dev.cqrs.orders.catalog.query;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.persistence.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Maintains {@code product_views} in the caller's transaction. Both product events carry the
 * product's whole state (name and price), so the newest version wins and an older or repeated
 * event changes nothing.
 */
@ApplicationScoped
public class ProductViewProjection {

    private static final String UPSERT = """
            INSERT INTO product_views AS v (product_id, name, price, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (product_id) DO UPDATE
            SET name = EXCLUDED.name, price = EXCLUDED.price, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE v.version < EXCLUDED.version""";

    public void apply(Connection connection, EventEnvelope event) throws SQLException {
        switch (event.type()) {
            case ProductAddedEvent.TYPE -> {
                ProductAddedEvent added = ProductAddedEvent.fromJson(event.data());
                Jdbc.update(connection, UPSERT, added.productId(), added.name(), added.price(), event.sequence(),
                        event.occurredAt(), event.occurredAt());
            }
            case ProductChangedEvent.TYPE -> {
                ProductChangedEvent changed = ProductChangedEvent.fromJson(event.data());
                Jdbc.update(connection, UPSERT, changed.productId(), changed.name(), changed.price(), event.sequence(),
                        event.occurredAt(), event.occurredAt());
            }
            default -> {
                // A product event this version does not show.
            }
        }
    }
}
