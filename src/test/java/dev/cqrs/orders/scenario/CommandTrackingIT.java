package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.TestStack;
import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Command tracking (issue 18): every command answer names its command ({@code Command-Id}, {@code
 * Link: <...>; rel="monitor"}), and {@code GET /commands/{id}} follows it through every status —
 * accepted (the broker away), published (the read side holds it back behind a parked event),
 * projected — or says it was rejected, with the problem its client got; for its sender and admins only.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CommandTrackingIT {

    private static final Pattern MONITOR = Pattern.compile("<([^>]+)>; rel=\"monitor\"");

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    /** The command an answer names, read where its {@code Link: rel="monitor"} points. */
    private JsonObject follow(OrderSystem caller, OrderSystem.Answer answer) {
        String id = answer.header("Command-Id").orElseThrow(() -> new AssertionError("no Command-Id: " + answer.body()));
        String link = answer.headers("Link").stream().map(MONITOR::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).findFirst().orElseThrow(() -> new AssertionError("no monitor link: " + answer.headers("Link")));
        assertTrue(link.startsWith("/commands/"), link);
        OrderSystem.Answer command = caller.get(link.substring(1));
        assertEquals(200, command.status(), command.body());
        assertEquals("no-store", command.header("Cache-Control").orElse(""), "GET /commands/{id} is never cached");
        assertEquals(id, command.json().getString("command_id"), command.body());
        return command.json();
    }

    private JsonObject follow(OrderSystem.Answer answer) {
        return follow(system, answer);
    }

    @Test
    void aCommandIsFollowedThroughAcceptedPublishedAndProjected() throws Exception {
        String productId = system.createProduct("Tracked tea", "2.00");
        // The product's first event parked as dead: its next event is published but held back by the
        // read side (it waits behind it) until an admin replays the dead letter.
        String parkedEvent = DeadLetterFixture.parkFirstEventOfProduct(system, productId, "parked by CommandTrackingIT");
        OrderSystem.Answer changed;
        JsonObject accepted;
        Instant sent = Instant.now();
        TestStack.killBroker();
        try {
            changed = system.putJson("products/" + productId, "{\"name\":\"Tracked tea\",\"price\":2.50}");
            assertEquals(200, changed.status(), changed.body());
            UUID.fromString(changed.header("Command-Id").orElseThrow()); // no Idempotency-Key: a new id
            accepted = follow(changed);
            assertEquals("accepted", accepted.getString("status"), accepted.toString());
            assertEquals("accepted", accepted.getString("outcome"));
            assertEquals("product.change", accepted.getString("type"));
            assertEquals(productId, accepted.getString("aggregate_id"));
            assertEquals("test-admin", accepted.getString("principal"));
            assertEquals(JsonValue.NULL, accepted.get("problem"));
            Instant received = Instant.parse(accepted.getString("received_at"));
            assertTrue(!received.isBefore(sent.minusSeconds(5)) && !received.isAfter(Instant.now().plusSeconds(5)),
                    "received_at " + received + " for a command sent at " + sent);
            assertEquals(1, accepted.getJsonArray("events").size(), accepted.toString());
            JsonObject event = accepted.getJsonArray("events").getJsonObject(0);
            assertEquals(List.of("ProductChanged", 2), List.of(event.getString("type"), event.getInt("version")));
            assertEquals(JsonValue.NULL, event.get("published_at"), "the broker is away: " + event);
            assertEquals(JsonValue.NULL, event.get("projected_at"), event.toString());
            // Sequencing is write_db's own: the position comes while the broker is still away.
            JsonObject sequenced = Awaitility.await("a position for the event").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> follow(changed),
                            c -> c.getJsonArray("events").getJsonObject(0).get("position") != JsonValue.NULL);
            assertEquals("accepted", sequenced.getString("status"), sequenced.toString());
        } finally {
            TestStack.startBroker();
        }
        JsonObject published = Awaitility.await("the event published").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> follow(changed), c -> c.getString("status").equals("published"));
        JsonObject event = published.getJsonArray("events").getJsonObject(0);
        assertNotNull(Instant.parse(event.getString("published_at")));
        assertEquals(JsonValue.NULL, event.get("projected_at"), "held back behind the parked event: " + published);
        // Still published, not projected, a moment later: the read side holds it, it is no timing.
        Awaitility.await("the event parked as waiting").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> waitingEvents(productId) == 1);
        assertEquals("published", follow(changed).getString("status"));

        assertEquals(200, system.request("POST", "admin/dead-letters/" + parkedEvent + "/retry", null, null).status());
        JsonObject projected = Awaitility.await("the event projected").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> follow(changed), c -> c.getString("status").equals("projected"));
        event = projected.getJsonArray("events").getJsonObject(0);
        Instant publishedAt = Instant.parse(event.getString("published_at"));
        Instant projectedAt = Instant.parse(event.getString("projected_at"));
        assertFalse(projectedAt.isBefore(publishedAt), event.toString());
        assertTrue(event.getJsonNumber("position").longValue() > 0, event.toString());
        assertEquals("2.5", system.get("products/" + productId).json().getJsonNumber("price").bigDecimalValue()
                .stripTrailingZeros().toPlainString(), "the view has the change the status says it has");
    }

    @Test
    void aRejectedCommandIsTrackedWithItsProblemAndTheIdempotencyKeyIsItsId() {
        String productId = system.createProduct("Rejected tea", "1.00");
        String userId = system.registerUser("rejected-" + UUID.randomUUID() + "@example.com");
        String key = "track:" + UUID.randomUUID();
        OrderSystem.Answer refused = system.request("POST", "orders", "application/json", """
                {"user_id":"%s","product_id":"%s","quantity":0}""".formatted(userId, productId), "Idempotency-Key", key);
        assertProblem(refused, 400, "invalid-input");
        assertEquals(key, refused.header("Command-Id").orElse(""), "the Idempotency-Key is the command's id");
        JsonObject rejected = follow(refused);
        assertEquals(List.of("rejected", "order.place"), List.of(rejected.getString("outcome"), rejected.getString("type")));
        assertEquals(JsonValue.NULL, rejected.get("status"), rejected.toString());
        assertEquals(0, rejected.getJsonArray("events").size());
        JsonObject problem = rejected.getJsonObject("problem");
        assertEquals(refused.json(), problem, "the problem the client got");
        assertEquals("quantity", problem.getJsonArray("errors").getJsonObject(0).getString("field"));

        // The same key, now with a valid order: the accepted command is what the id names from then on,
        // and a replay of it neither adds events nor changes the record.
        String valid = "{\"user_id\":\"%s\",\"product_id\":\"%s\",\"quantity\":2}".formatted(userId, productId);
        OrderSystem.Answer placed = system.request("POST", "orders", "application/json", valid, "Idempotency-Key", key);
        String orderId = placed.created("order_id");
        OrderSystem.Answer replay = system.request("POST", "orders", "application/json", valid, "Idempotency-Key", key);
        assertEquals("true", replay.header("Idempotent-Replayed").orElse(""), replay.body());
        JsonObject command = Awaitility.await("the order projected").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> follow(replay), c -> "projected".equals(c.getString("status", "")));
        assertEquals(List.of("accepted", orderId, 1, "OrderPlaced"), List.of(command.getString("outcome"),
                command.getString("aggregate_id"), command.getJsonArray("events").size(),
                command.getJsonArray("events").getJsonObject(0).getString("type")), command.toString());
        assertEquals(JsonValue.NULL, command.get("problem"));
    }

    @Test
    void onlyTheSenderAndAdminsMayFollowACommand() {
        String productId = system.createProduct("Private tea", "1.00");
        String userA = system.registerUser("track-a-" + UUID.randomUUID() + "@example.com");
        String userB = system.registerUser("track-b-" + UUID.randomUUID() + "@example.com");
        OrderSystem customerA = system.as(Tokens.of(userA, "customer"));
        OrderSystem customerB = system.as(Tokens.of(userB, "customer"));
        OrderSystem clerk = system.as(Tokens.of("clerk-" + UUID.randomUUID(), "clerk"));
        OrderSystem.Answer placed = customerA.placeOrderAnswer(userA, productId);
        assertEquals(201, placed.status(), placed.body());
        String id = placed.header("Command-Id").orElseThrow();
        assertEquals(userA, follow(customerA, placed).getString("principal"));
        assertEquals(userA, follow(system, placed).getString("principal"));
        OrderSystem.Answer unknown = customerB.get("commands/" + UUID.randomUUID());
        assertProblem(unknown, 404, "not-found");
        for (OrderSystem other : List.of(customerB, clerk)) {
            OrderSystem.Answer foreign = other.get("commands/" + id);
            assertProblem(foreign, 404, "not-found");
            assertEquals(unknown.json().getString("title"), foreign.json().getString("title"), "as if it did not exist");
        }
        assertEquals(401, system.as(null).get("commands/" + id).status());

        // A command the container refused (no valid token) is tracked too, for admins: its sender is unknown.
        OrderSystem.Answer anonymous = system.as(null).placeOrderAnswer(userA, productId);
        assertEquals(401, anonymous.status(), anonymous.body());
        JsonObject refused = follow(anonymous);
        assertEquals(List.of("rejected", "anonymous", 401), List.of(refused.getString("outcome"),
                refused.getString("principal"), refused.getJsonObject("problem").getInt("status")), refused.toString());
    }

    private static long waitingEvents(String aggregateId) throws Exception {
        try (Connection read = TestDatabases.read()) {
            return TestDatabases.count(read, "SELECT count(*) FROM parked_events WHERE aggregate_id = ? AND state = 'waiting'",
                    UUID.fromString(aggregateId));
        }
    }
}
