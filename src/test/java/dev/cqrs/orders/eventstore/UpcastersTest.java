package dev.cqrs.orders.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UpcastersTest {

    private static EventEnvelope event(int schemaVersion, JsonObject data) {
        return new EventEnvelope(UUID.randomUUID(), "OrderPlaced", "order", UUID.randomUUID(), 1, Instant.now(),
                UUID.randomUUID(), "test", schemaVersion, data);
    }

    /** Version 0 called the quantity "qty"; version 1 renamed it; version 2 added a currency. */
    private static final Upcaster QTY_TO_QUANTITY = new Upcaster() {
        @Override
        public boolean upcasts(String type, int schemaVersion) {
            return type.equals("OrderPlaced") && schemaVersion == 0;
        }

        @Override
        public EventEnvelope upcast(EventEnvelope e) {
            JsonObject data = Json.createObjectBuilder().add("quantity", e.data().getInt("qty")).build();
            return new EventEnvelope(e.eventId(), e.type(), e.aggregateType(), e.aggregateId(), e.sequence(),
                    e.occurredAt(), e.commandId(), e.principal(), 1, data);
        }
    };

    private static final Upcaster ADD_CURRENCY = new Upcaster() {
        @Override
        public boolean upcasts(String type, int schemaVersion) {
            return type.equals("OrderPlaced") && schemaVersion == 1;
        }

        @Override
        public EventEnvelope upcast(EventEnvelope e) {
            JsonObject data = Json.createObjectBuilder(e.data()).add("currency", "EUR").build();
            return new EventEnvelope(e.eventId(), e.type(), e.aggregateType(), e.aggregateId(), e.sequence(),
                    e.occurredAt(), e.commandId(), e.principal(), 2, data);
        }
    };

    @Test
    void anOldEventIsUpcastThroughEveryVersion() {
        Upcasters upcasters = new Upcasters(List.of(ADD_CURRENCY, QTY_TO_QUANTITY));
        EventEnvelope old = event(0, Json.createObjectBuilder().add("qty", 3).build());
        EventEnvelope current = upcasters.upcast(old);
        assertEquals(2, current.schemaVersion());
        assertEquals(3, current.data().getInt("quantity"));
        assertEquals("EUR", current.data().getString("currency"));
        assertEquals(old.eventId(), current.eventId());
    }

    @Test
    void aCurrentEventPassesUntouched() {
        EventEnvelope current = event(2, Json.createObjectBuilder().add("quantity", 3).build());
        assertSame(current, new Upcasters(List.of(ADD_CURRENCY, QTY_TO_QUANTITY)).upcast(current));
    }

    @Test
    void anUpcasterThatDoesNotRaiseTheVersionIsRefused() {
        Upcaster stuck = new Upcaster() {
            @Override
            public boolean upcasts(String type, int schemaVersion) {
                return true;
            }

            @Override
            public EventEnvelope upcast(EventEnvelope event) {
                return event;
            }
        };
        assertThrows(IllegalStateException.class, () -> new Upcasters(List.of(stuck)).upcast(event(1, JsonObject.EMPTY_JSON_OBJECT)));
    }
}
