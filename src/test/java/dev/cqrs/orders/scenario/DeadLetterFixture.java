package dev.cqrs.orders.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.testsupport.TestDatabases;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;

/** A dead letter made on purpose, for the tests that need one: an aggregate's first event, parked as dead. */
final class DeadLetterFixture {

    private DeadLetterFixture() {
    }

    /**
     * Parks the first event of a product whose view exists, as the app serializes it ({@code GET
     * /admin/events}), as dead in read_db; returns its event id. The product's next event then waits
     * behind it, and an admin's replay applies it again (newest-wins: no change) and removes it.
     */
    static String parkFirstEventOfProduct(OrderSystem admin, String productId, String why) throws Exception {
        admin.awaitView("products/" + productId, v -> true);
        long position = Awaitility.await("a global position for " + productId).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    try (Connection write = TestDatabases.write()) {
                        return TestDatabases.count(write, "SELECT coalesce(max(global_position), 0) FROM event_log"
                                + " WHERE aggregate_id = ? AND sequence = 1", UUID.fromString(productId));
                    }
                }, p -> p > 0);
        JsonObject event = admin.get("admin/events?limit=1&after=" + (position - 1)).json().getJsonArray("items")
                .getJsonObject(0).getJsonObject("event");
        assertEquals(productId, event.getString("aggregate_id"), "the event at position " + position);
        try (Connection read = TestDatabases.read(); PreparedStatement insert = read.prepareStatement("""
                INSERT INTO parked_events (event_id, aggregate_type, aggregate_id, sequence, event, state, attempts, last_error)
                VALUES (?, ?, ?, 1, CAST(? AS jsonb), 'dead', 1, ?)""")) {
            insert.setObject(1, UUID.fromString(event.getString("event_id")));
            insert.setString(2, event.getString("aggregate_type"));
            insert.setObject(3, UUID.fromString(productId));
            insert.setString(4, event.toString());
            insert.setString(5, why);
            assertEquals(1, insert.executeUpdate(), "the dead letter parked");
        }
        return event.getString("event_id");
    }
}
