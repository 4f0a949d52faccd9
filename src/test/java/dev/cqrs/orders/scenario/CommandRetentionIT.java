package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.testsupport.AppProcess;
import dev.cqrs.orders.testsupport.TestDatabases;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Command tracking's retention (issue 18): an instance told to keep commands 10 s
 * ({@code cqrs.commands.retention-seconds}) and to sweep every second forgets a command after that
 * time, its receipts in both databases with it, and still answers for a younger one.
 */
class CommandRetentionIT {

    private static final int RETENTION_SECONDS = 10;
    private static AppProcess app;

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void aCommandIsForgottenWithItsReceiptsOnceOlderThanTheRetention() throws Exception {
        int port = Integer.parseInt(System.getProperty("retention.http.port", "18084"));
        app = new AppProcess("retention", port, Map.of("cqrs.commands.retention-seconds", String.valueOf(RETENTION_SECONDS),
                "cqrs.commands.sweep-interval-seconds", "1")).start();
        OrderSystem system = new OrderSystem(app.base());
        OrderSystem.Answer created = system.postJson("products", "{\"name\":\"Forgotten tea\",\"price\":1}");
        String productId = created.created("product_id");
        String commandId = created.header("Command-Id").orElseThrow();
        JsonObject projected = Awaitility.await("the command projected").atMost(Duration.ofSeconds(RETENTION_SECONDS / 2))
                .pollInterval(Duration.ofMillis(50)).until(() -> system.get("commands/" + commandId),
                        a -> a.status() == 200 && "projected".equals(a.json().getString("status", ""))).json();
        UUID eventId = UUID.fromString(projected.getJsonArray("events").getJsonObject(0).getString("event_id"));
        assertEquals(1, receipts(productId, eventId), "both receipts are there: " + projected);

        Awaitility.await("the command and its receipts forgotten").atMost(Duration.ofSeconds(RETENTION_SECONDS + 30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> system.get("commands/" + commandId).status() == 404 && receipts(productId, eventId) == 0);
        assertProblem(system.get("commands/" + commandId), 404, "not-found");
        OrderSystem.Answer younger = system.postJson("products", "{\"name\":\"Remembered tea\",\"price\":1}");
        assertEquals(200, system.get("commands/" + younger.header("Command-Id").orElseThrow()).status());
    }

    /** 1 when the event's publication and projection receipts are both kept, 0 when neither is; else 0.5. */
    private static double receipts(String aggregateId, UUID eventId) throws Exception {
        try (Connection write = TestDatabases.write(); Connection read = TestDatabases.read()) {
            long published = TestDatabases.count(write, "SELECT count(*) FROM event_publications WHERE aggregate_id = ?",
                    UUID.fromString(aggregateId));
            long projected = TestDatabases.count(read, "SELECT count(*) FROM event_projections WHERE event_id = ?", eventId);
            return (published + projected) / 2.0;
        }
    }
}
