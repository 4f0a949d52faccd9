package dev.cqrs.orders.eventstore;

import jakarta.json.JsonObject;

/**
 * An event a command handler has decided on, before the event store gives it its identity,
 * sequence and metadata.
 */
public record PendingEvent(String type, int schemaVersion, JsonObject data) {

    public static PendingEvent of(String type, JsonObject data) {
        return new PendingEvent(type, 1, data);
    }
}
