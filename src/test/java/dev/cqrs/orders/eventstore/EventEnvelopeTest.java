package dev.cqrs.orders.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.order.events.OrderPlacedEvent;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventEnvelopeTest {

    private final OrderPlacedEvent placed = new OrderPlacedEvent(UUID.randomUUID(), UUID.randomUUID(),
            UUID.randomUUID(), 2, new BigDecimal("24.90"), "Beans", 3, "ada@example.com", 1);
    private final EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), OrderPlacedEvent.TYPE, "order",
            placed.orderId(), 1, Instant.parse("2026-11-27T10:00:00.123456Z"), UUID.randomUUID(), "anonymous", 1,
            placed.toJson());

    @Test
    void theWireFormatUsesTheContractsFieldNames() {
        JsonObject json = envelope.toJson();
        assertEquals(Set.of("event_id", "type", "aggregate_type", "aggregate_id", "sequence", "occurred_at",
                "command_id", "principal", "schema_version", "data"), json.keySet());
        assertEquals("2026-11-27T10:00:00.123456Z", json.getString("occurred_at"));
        assertEquals(Set.of("order_id", "user_id", "product_id", "quantity", "unit_price", "product_name",
                "product_version", "user_email", "user_version"), json.getJsonObject("data").keySet());
    }

    @Test
    void survivesARoundTripThroughText() {
        EventEnvelope copy = EventEnvelope.fromJson(envelope.toJson().toString());
        assertEquals(envelope, copy);
        assertEquals(placed, OrderPlacedEvent.fromJson(copy.data()));
    }
}
