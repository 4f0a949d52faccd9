package dev.cqrs.orders.customer.query;

import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.persistence.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Maintains {@code user_views} in the caller's transaction. Both customer events carry the whole
 * state (the e-mail), so the newest version wins and an older or repeated event changes nothing but,
 * if it comes late, the creation time (the earliest one seen).
 */
@ApplicationScoped
public class UserViewProjection {

    private static final String UPSERT = """
            INSERT INTO user_views AS v (user_id, email, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE
            SET email = CASE WHEN v.version < EXCLUDED.version THEN EXCLUDED.email ELSE v.email END,
                updated_at = CASE WHEN v.version < EXCLUDED.version THEN EXCLUDED.updated_at ELSE v.updated_at END,
                version = GREATEST(v.version, EXCLUDED.version),
                created_at = LEAST(v.created_at, EXCLUDED.created_at)""";

    public void apply(Connection connection, EventEnvelope event) throws SQLException {
        switch (event.type()) {
            case CustomerRegisteredEvent.TYPE -> {
                CustomerRegisteredEvent registered = CustomerRegisteredEvent.fromJson(event.data());
                Jdbc.update(connection, UPSERT, registered.userId(), registered.email(), event.sequence(),
                        event.occurredAt(), event.occurredAt());
            }
            case CustomerEmailChangedEvent.TYPE -> {
                CustomerEmailChangedEvent changed = CustomerEmailChangedEvent.fromJson(event.data());
                Jdbc.update(connection, UPSERT, changed.userId(), changed.email(), event.sequence(),
                        event.occurredAt(), event.occurredAt());
            }
            default -> {
                // A customer event this version does not show.
            }
        }
    }
}
