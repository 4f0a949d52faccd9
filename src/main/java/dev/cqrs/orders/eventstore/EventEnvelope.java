package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import jakarta.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** The columns {@link #fromRow} reads, in its order, from an {@code events} table aliased {@code e}. */
    public static final String COLUMNS = "e.event_id, e.type, e.aggregate_type, e.aggregate_id, e.sequence, e.occurred_at, "
            + "e.command_id, e.principal, e.schema_version, e.data::text";

    /** The event in the current row, from {@link #COLUMNS} starting at column {@code first}. */
    public static EventEnvelope fromRow(ResultSet rs, int first) throws SQLException {
        return new EventEnvelope(
                Jdbc.uuid(rs, first),
                rs.getString(first + 1),
                rs.getString(first + 2),
                Jdbc.uuid(rs, first + 3),
                rs.getInt(first + 4),
                Jdbc.instant(rs, first + 5),
                Jdbc.uuid(rs, first + 6),
                rs.getString(first + 7),
                rs.getInt(first + 8),
                JsonSupport.parseObject(rs.getString(first + 9)));
    }

    public static EventEnvelope fromJson(String text) {
        return fromJson(JsonSupport.parseObject(text));
    }
}
