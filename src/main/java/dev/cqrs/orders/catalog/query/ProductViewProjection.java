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
 * event changes nothing but, if it comes late, the creation time (the earliest one seen).
 */
@ApplicationScoped
public class ProductViewProjection {

    private static final String UPSERT = """
            INSERT INTO product_views AS v (product_id, name, price, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (product_id) DO UPDATE
            SET name = CASE WHEN v.version < EXCLUDED.version THEN EXCLUDED.name ELSE v.name END,
                price = CASE WHEN v.version < EXCLUDED.version THEN EXCLUDED.price ELSE v.price END,
                updated_at = CASE WHEN v.version < EXCLUDED.version THEN EXCLUDED.updated_at ELSE v.updated_at END,
                version = GREATEST(v.version, EXCLUDED.version),
                created_at = LEAST(v.created_at, EXCLUDED.created_at)""";

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
