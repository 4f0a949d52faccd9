package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static dev.cqrs.orders.scenario.ProblemAssertions.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestStack;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Read your own writes (issue 18): every command answer carries a {@code Consistency-Token}; a
 * query that sends it back answers only once its view reflects that write (waiting at most {@code
 * Prefer: wait}), or 503 {@code view-not-caught-up} with {@code Retry-After} past the bound. No test
 * here waits for a view by polling: the token is the wait.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReadYourWritesIT {

    private static final String TOKEN = "Consistency-Token";

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    private static String token(OrderSystem.Answer answer) {
        String token = answer.header(TOKEN).orElseThrow(() -> new AssertionError("no " + TOKEN + ": " + answer.body()));
        assertTrue(token.matches("[A-Za-z0-9._~-]+"), "not URL-safe: " + token);
        return token;
    }

    @Test
    void aReadWithTheTokenOfTheWriteSeesTheWriteEveryTimeAlsoUnderConcurrentLoad() {
        OrderSystem.Answer product = system.postJson("products", "{\"name\":\"Token tea\",\"price\":2.50}");
        String productId = product.created("product_id");
        JsonObject productView = system.request("GET", "products/" + productId, null, null, TOKEN, token(product)).json();
        assertEquals("Token tea", productView.getString("name"));
        OrderSystem.Answer user = system.postJson("users", "{\"email\":\"ryw-" + UUID.randomUUID() + "@example.com\"}");
        String userId = user.created("user_id");
        assertEquals(200, system.request("GET", "users/" + userId, null, null, TOKEN, token(user)).status());

        // Each write, then at once a read of its view with its token: never the state before it.
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int client = 0; client < 4; client++) {
            clients.add(CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= 10; i++) {
                    OrderSystem.Answer placed = system.postJson("orders", """
                            {"user_id":"%s","product_id":"%s","quantity":%d}""".formatted(userId, productId, i));
                    String orderId = placed.created("order_id");
                    OrderSystem.Answer read = system.request("GET", "orders/" + orderId, null, null, TOKEN, token(placed));
                    assertEquals(200, read.status(), read.body());
                    assertEquals(i, read.json().getInt("quantity"), read.body());
                    OrderSystem.Answer changed = system.putJson("orders/" + orderId, "{\"quantity\":" + (i + 100) + "}");
                    assertEquals(200, changed.status(), changed.body());
                    OrderSystem.Answer again = system.request("GET", "orders/" + orderId + "?"
                            + "consistent_with=" + URLEncoder.encode(token(changed), StandardCharsets.UTF_8), null, null);
                    assertEquals(200, again.status(), again.body());
                    assertEquals(2, again.json().getInt("version"), again.body());
                    assertEquals(i + 100, again.json().getInt("quantity"), again.body());
                }
            }));
        }
        clients.forEach(CompletableFuture::join);

        // The summary and the sales views reflect an order's write with its token too.
        OrderSystem.Answer last = system.postJson("orders", """
                {"user_id":"%s","product_id":"%s","quantity":1}""".formatted(userId, productId));
        last.created("order_id");
        JsonObject summary = system.request("GET", "users/" + userId + "/summary", null, null, TOKEN, token(last)).json();
        assertEquals(41, summary.getJsonObject("orders_by_status").getInt("PENDING"), summary.toString());
        JsonObject sales = system.request("GET", "products/" + productId + "/sales", null, null, TOKEN, token(last)).json();
        // 4 clients x orders of 1..10, each changed to 101..110, and the last one of 1.
        assertEquals(4 * (55 + 10 * 100) + 1, sales.getInt("units_sold"), sales.toString());
        JsonObject list = system.request("GET", "orders?user_id=" + userId + "&limit=100", null, null, TOKEN, token(last)).json();
        assertEquals(41, list.getJsonArray("items").size());
    }

    @Test
    void anIdempotentReplayCarriesTheTokenOfTheFirstAnswer() {
        String productId = system.createProduct("Replay tea", "1.00");
        String userId = system.registerUser("replay-" + UUID.randomUUID() + "@example.com");
        String key = "ryw-" + UUID.randomUUID();
        String body = "{\"user_id\":\"" + userId + "\",\"product_id\":\"" + productId + "\",\"quantity\":3}";
        OrderSystem.Answer first = system.request("POST", "orders", "application/json", body, "Idempotency-Key", key);
        OrderSystem.Answer replay = system.request("POST", "orders", "application/json", body, "Idempotency-Key", key);
        assertEquals("true", replay.header("Idempotent-Replayed").orElse(""), replay.body());
        assertEquals(token(first), token(replay));
        assertEquals(3, system.request("GET", "orders/" + first.created("order_id"), null, null, TOKEN, token(replay))
                .json().getInt("quantity"));
    }

    @Test
    void forgedMalformedAndForeignTokensAre400sNamingTheToken() {
        OrderSystem.Answer product = system.postJson("products", "{\"name\":\"Forged tea\",\"price\":1}");
        String productId = product.created("product_id");
        String token = token(product);
        String[] parts = token.split("\\.");
        String higher = parts[0] + "." + (Integer.parseInt(parts[1]) + 5) + "." + parts[2];
        String flipped = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        for (String forged : List.of(higher, flipped, "nonsense", token + "x")) {
            OrderSystem.Answer refused = system.request("GET", "products/" + productId, null, null, TOKEN, forged);
            assertProblem(refused, 400, "invalid-input");
            assertEquals(List.of(TOKEN), fields(refused), refused.body());
        }
        OrderSystem.Answer asParameter = system.get("products/" + productId + "?consistent_with=" + higher);
        assertProblem(asParameter, 400, "invalid-input");
        assertEquals(List.of("consistent_with"), fields(asParameter));
        OrderSystem.Answer badMinimum = system.get("orders/" + UUID.randomUUID() + "?min_version=zero");
        assertProblem(badMinimum, 400, "invalid-input");
        assertEquals(List.of("min_version"), fields(badMinimum));
        // A genuine token of another aggregate is not refused: it is waited for like any other (here
        // beside the product's own, in one header: the product's view answers once both are reflected).
        OrderSystem.Answer user = system.postJson("users", "{\"email\":\"foreign-" + UUID.randomUUID() + "@example.com\"}");
        user.created("user_id");
        OrderSystem.Answer both = system.request("GET", "products/" + productId, null, null, TOKEN, token(user) + ", " + token);
        assertEquals(200, both.status(), both.body());
        assertEquals("Forged tea", both.json().getString("name"));
    }

    @Test
    void withTheBrokerAwayTheReadWaitsUntilTheBoundThenAnswers503AndLaterSucceeds() {
        String productId = system.createProduct("Paused tea", "4.00");
        String userId = system.registerUser("paused-" + UUID.randomUUID() + "@example.com");
        OrderSystem.Answer placed;
        TestStack.killBroker();
        try {
            placed = system.postJson("orders", """
                    {"user_id":"%s","product_id":"%s","quantity":2}""".formatted(userId, productId));
            String orderId = placed.created("order_id");
            long started = System.nanoTime();
            OrderSystem.Answer late = system.request("GET", "orders/" + orderId, null, null, TOKEN, token(placed),
                    "Prefer", "wait=1");
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertProblem(late, 503, "view-not-caught-up");
            assertTrue(late.header("Retry-After").isPresent(), "Retry-After");
            assertTrue(late.json().getString("detail").contains("order_views") && late.json().getString("detail")
                    .contains(orderId), late.body());
            assertTrue(waited.compareTo(Duration.ofMillis(900)) >= 0 && waited.compareTo(Duration.ofSeconds(4)) < 0,
                    "waited " + waited + " for a bound of 1 s");
            OrderSystem.Answer minVersion = system.request("GET", "orders/" + orderId + "?min_version=1", null, null,
                    "Prefer", "wait=0");
            assertProblem(minVersion, 503, "view-not-caught-up");
        } finally {
            TestStack.startBroker();
        }
        // The same read, now that the events flow again: it waits (up to the default 5 s, here 30) and succeeds.
        OrderSystem.Answer caughtUp = system.request("GET", "orders/" + placed.created("order_id"), null, null,
                TOKEN, token(placed), "Prefer", "wait=30");
        assertEquals(200, caughtUp.status(), caughtUp.body());
        assertEquals(2, caughtUp.json().getInt("quantity"));
        assertEquals("wait", caughtUp.header("Preference-Applied").orElse(""), "it waited for the view");
    }
}
