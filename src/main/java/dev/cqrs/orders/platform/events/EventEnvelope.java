package dev.cqrs.orders.platform.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One event as it is stored and as it travels: the integration contract of DESIGN.md. The
 * {@code data} is the event's own JSON document; nothing on the wire names a Java class.
 *
 * @param sequence the aggregate's version after this event: 1, 2, 3 ... without gaps
 */
public record EventEnvelope(
        UUID eventId,
        String type,
        String aggregateType,
        UUID aggregateId,
        int sequence,
        Instant occurredAt,
        UUID commandId,
        String principal,
        int schemaVersion,
        JsonObject data) {

    public JsonObject toJson() {
        return JsonSupport.object()
                .add("event_id", eventId.toString())
                .add("type", type)
                .add("aggregate_type", aggregateType)
                .add("aggregate_id", aggregateId.toString())
                .add("sequence", sequence)
                .add("occurred_at", occurredAt.toString())
                .add("command_id", commandId.toString())
                .add("principal", principal)
                .add("schema_version", schemaVersion)
                .add("data", data)
                .build();
    }

    public static EventEnvelope fromJson(JsonObject json) {
        return new EventEnvelope(
                UUID.fromString(json.getString("event_id")),
                json.getString("type"),
                json.getString("aggregate_type"),
                UUID.fromString(json.getString("aggregate_id")),
                json.getInt("sequence"),
                Instant.parse(json.getString("occurred_at")),
                UUID.fromString(json.getString("command_id")),
                json.getString("principal"),
                json.getInt("schema_version"),
                json.getJsonObject("data"));
    }

    public static EventEnvelope fromJson(String text) {
        return fromJson(JsonSupport.parseObject(text));
    }
}
