package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static dev.cqrs.orders.scenario.ProblemAssertions.fields;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TableSnapshot;
import dev.cqrs.orders.testsupport.TestDatabases;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every command and view over HTTP on the deployed WAR: the order lifecycle, product and customer
 * changes and how the views follow them, conflicts (409), stale versions (412), idempotent retries,
 * and concurrent commands on one order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LifecycleScenarioIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    private String newUser(String prefix) {
        return system.registerUser(prefix + "-" + UUID.randomUUID() + "@example.com");
    }

    private static BigDecimal money(JsonObject json, String field) {
        return json.getJsonNumber(field).bigDecimalValue();
    }

    @Test
    void anOrderGoesThroughItsLifecycleAndTheViewsFollow() {
        String productId = system.createProduct("Grinder", "10.00");
        String userId = newUser("life");
        String orderId = system.placeOrder(userId, productId, 2);
        assertEquals(new BigDecimal("20.00"), money(system.awaitOrder(orderId, 1), "total_price"));

        OrderSystem.Answer changed = system.putJson("orders/" + orderId, "{\"quantity\":3}");
        assertEquals(200, changed.status(), changed.body());
        assertEquals(orderId, changed.json().getString("order_id"));
        assertEquals(2, changed.json().getInt("version"));
        JsonObject view = system.awaitOrder(orderId, 2);
        assertEquals(3, view.getInt("quantity"));
        assertEquals(new BigDecimal("30.00"), money(view, "total_price"));
        assertEquals("PENDING", view.getString("status"));

        assertEquals(3, system.transition(orderId, "confirm").json().getInt("version"));
        assertEquals("CONFIRMED", system.awaitOrder(orderId, 3).getString("status"));
        // Any Content-Type, or none, with or without a body.
        OrderSystem.Answer shipped = system.request("POST", "orders/" + orderId + "/ship", "text/plain", "ship it");
        assertEquals(200, shipped.status(), shipped.body());
        assertEquals(4, shipped.json().getInt("version"));
        assertEquals("SHIPPED", system.awaitOrder(orderId, 4).getString("status"));

        String cancelledId = system.placeOrder(userId, productId, 1);
        assertEquals(2, system.transition(cancelledId, "cancel").json().getInt("version"));
        assertEquals("CANCELLED", system.awaitOrder(cancelledId, 2).getString("status"));

        JsonObject summary = system.awaitView("users/" + userId + "/summary",
                s -> s.getJsonObject("orders_by_status").getInt("CANCELLED") == 1);
        assertEquals(0, summary.getJsonObject("orders_by_status").getInt("PENDING"));
        assertEquals(0, summary.getJsonObject("orders_by_status").getInt("CONFIRMED"));
        assertEquals(1, summary.getJsonObject("orders_by_status").getInt("SHIPPED"));
        assertEquals(new BigDecimal("30.00"), money(summary, "total_spent"));
        assertTrue(summary.getString("user_email").startsWith("life-"));

        JsonObject sales = system.awaitView("products/" + productId + "/sales", s -> s.getInt("units_sold") == 3);
        assertEquals("Grinder", sales.getString("product_name"));
        assertEquals(new BigDecimal("30.00"), money(sales, "revenue"));

        JsonObject product = system.awaitView("products/" + productId, p -> true);
        assertEquals("Grinder", product.getString("name"));
        assertEquals(new BigDecimal("10.00"), money(product, "price"));
        assertEquals(1, product.getInt("version"));
        JsonObject user = system.awaitView("users/" + userId, u -> true);
        assertEquals(1, user.getInt("version"));
        assertEquals(summary.getString("user_email"), user.getString("email"));
    }

    @Test
    void forbiddenTransitionsAre409AndChangeNothing() throws Exception {
        String orderId = system.placeOrder(newUser("rules"), system.createProduct("Kettle", "30.00"), 1);
        assertProblem(system.transition(orderId, "ship"), 409, "invalid-transition");
        assertEquals(200, system.transition(orderId, "confirm").status());
        assertProblem(system.transition(orderId, "confirm"), 409, "invalid-transition");
        assertProblem(system.putJson("orders/" + orderId, "{\"quantity\":2}"), 409, "invalid-transition");
        assertEquals(200, system.transition(orderId, "ship").status());
        assertProblem(system.transition(orderId, "cancel"), 409, "invalid-transition");
        try (Connection write = TestDatabases.write()) {
            assertEquals(3, TestDatabases.count(write, "SELECT count(*) FROM events WHERE aggregate_id = ?",
                    UUID.fromString(orderId)), "refused commands appended events");
            assertEquals(3, TestDatabases.count(write, "SELECT version FROM orders WHERE order_id = ?",
                    UUID.fromString(orderId)));
        }
        assertEquals("SHIPPED", system.awaitOrder(orderId, 3).getString("status"));
    }

    @Test
    void aStaleIfMatchIs412AndACurrentOneIsAccepted() {
        String productId = system.createProduct("Scale", "45.00");
        String orderId = system.placeOrder(newUser("match"), productId, 1);
        OrderSystem.Answer stale = system.putJson("orders/" + orderId, "{\"quantity\":2}", "If-Match", "\"2\"");
        assertProblem(stale, 412, "version-mismatch");
        assertEquals(List.of("If-Match"), fields(stale));
        assertEquals(2, system.putJson("orders/" + orderId, "{\"quantity\":2}", "If-Match", "\"1\"").json().getInt("version"));
        assertProblem(system.transition(orderId, "confirm", "If-Match", "\"1\""), 412, "version-mismatch");
        // RFC 9110 §13.1.1: a well-formed tag that names no current version is a 412, a weak one
        // never matches (strong comparison), a list matches when one of its tags does; only a header
        // outside the grammar is a 400.
        for (String noMatch : List.of("W/\"2\"", "\"0\"", "\"7\", \"99999\"", "\"abc\"")) {
            assertProblem(system.transition(orderId, "confirm", "If-Match", noMatch), 412, "version-mismatch");
        }
        assertEquals(3, system.transition(orderId, "confirm", "If-Match", "\"9\", W/\"2\", \"2\"").json().getInt("version"));
        for (String malformed : List.of("yesterday", "3", "\"3", "W/3", "*, \"3\"")) {
            OrderSystem.Answer refused = system.transition(orderId, "cancel", "If-Match", malformed);
            assertProblem(refused, 400, "invalid-input");
            assertEquals(List.of("If-Match"), fields(refused));
        }

        assertProblem(system.putJson("products/" + productId, "{\"price\":50.00}", "If-Match", "\"7\""), 412,
                "version-mismatch");
        assertEquals(2, system.putJson("products/" + productId, "{\"price\":50.00}", "If-Match", "\"1\"").json()
                .getInt("version"));
    }

    @Test
    void unknownIdsInThePathAre404() {
        String unknown = UUID.randomUUID().toString();
        assertProblem(system.putJson("orders/" + unknown, "{\"quantity\":2}"), 404, "not-found");
        for (String action : List.of("confirm", "ship", "cancel")) {
            assertProblem(system.transition(unknown, action), 404, "not-found");
        }
        assertProblem(system.putJson("products/" + unknown, "{\"name\":\"X\"}"), 404, "not-found");
        assertProblem(system.putJson("users/" + unknown, "{\"email\":\"x@example.com\"}"), 404, "not-found");
        for (String path : List.of("products/", "users/")) {
            assertProblem(system.get(path + unknown), 404, "not-found");
        }
        assertProblem(system.get("users/" + unknown + "/summary"), 404, "not-found");
        assertProblem(system.get("products/" + unknown + "/sales"), 404, "not-found");
    }

    @Test
    void badChangesAre400NamingTheFieldAndLeaveNoTrace() {
        String productId = system.createProduct("Filter", "2.00");
        String userId = newUser("bad");
        String orderId = system.placeOrder(userId, productId, 1);
        TableSnapshot before = TableSnapshot.whenQuiet();
        OrderSystem.Answer nothing = system.putJson("products/" + productId, "{}");
        assertProblem(nothing, 400, "invalid-input");
        assertEquals(List.of("name", "price"), fields(nothing));
        assertEquals(List.of("price"), fields(system.putJson("products/" + productId, "{\"price\":1.001}")));
        assertEquals(List.of("price"), fields(system.putJson("products/" + productId, "{\"price\":-1}")));
        assertEquals(List.of("name"), fields(system.putJson("products/" + productId, "{\"name\":null}")));
        assertEquals(List.of("name"), fields(system.putJson("products/" + productId, "{\"name\":\"  \"}")));
        assertEquals(List.of("email"), fields(system.putJson("users/" + userId, "{\"email\":\"nobody\"}")));
        assertEquals(List.of("quantity"), fields(system.putJson("orders/" + orderId, "{\"quantity\":1000001}")));
        assertEquals(List.of("quantity"), fields(system.putJson("orders/" + orderId, "{\"quantity\":1.5}")));
        assertEquals(List.of("colour"), fields(system.putJson("orders/" + orderId, "{\"quantity\":2,\"colour\":1}")));
        assertProblem(system.putJson("orders/" + orderId, "[2]"), 400, "malformed-body");
        assertProblem(system.request("PUT", "orders/" + orderId, "text/plain", "2"), 415, "unsupported-media-type");
        before.assertNoTraceSince("refused changes with bad input");
    }

    @Test
    void aPriceChangeLeavesExistingOrdersAlone() {
        String productId = system.createProduct("Tamper", "10.00");
        String userId = newUser("price");
        String early = system.placeOrder(userId, productId, 2);
        OrderSystem.Answer repriced = system.putJson("products/" + productId, "{\"price\":15.50}");
        assertEquals(200, repriced.status(), repriced.body());
        assertEquals(productId, repriced.json().getString("product_id"));
        String late = system.placeOrder(userId, productId, 2);
        assertEquals(new BigDecimal("20.00"), money(system.awaitOrder(early, 1), "total_price"));
        JsonObject lateView = system.awaitOrder(late, 1);
        assertEquals(new BigDecimal("31.00"), money(lateView, "total_price"));
        assertEquals(new BigDecimal("15.50"), money(lateView, "unit_price"));
        assertEquals(new BigDecimal("15.50"),
                money(system.awaitView("products/" + productId, p -> p.getInt("version") == 2), "price"));
        // A quantity change keeps the price the order captured.
        system.putJson("orders/" + early, "{\"quantity\":5}");
        assertEquals(new BigDecimal("50.00"), money(system.awaitOrder(early, 2), "total_price"));
    }

    @Test
    void aRenameAndAnEmailChangeReachEveryExistingView() throws Exception {
        String productId = system.createProduct("Old name", "1.00");
        String userId = newUser("rename");
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            orders.add(system.placeOrder(userId, productId, 1));
        }
        awaitViews("product_id", productId, "product_name", "Old name", 120);
        assertEquals(200, system.putJson("products/" + productId, "{\"name\":\"New name\"}").status());
        String email = "renamed-" + UUID.randomUUID() + "@example.com";
        assertEquals(200, system.putJson("users/" + userId, "{\"email\":\"" + email + "\"}").status());
        awaitViews("product_id", productId, "product_name", "New name", 120);
        awaitViews("user_id", userId, "user_email", email, 120);
        JsonObject one = system.get("orders/" + orders.get(7)).json();
        assertEquals("New name", one.getString("product_name"));
        assertEquals(email, one.getString("user_email"));
        assertEquals(1, one.getInt("version"), "a rename is not a change of the order");
        assertEquals("New name", system.awaitView("products/" + productId + "/sales", s -> true).getString("product_name"));
        assertEquals(email, system.awaitView("users/" + userId, u -> u.getInt("version") == 2).getString("email"));
    }

    @Test
    void renamesRacingWithPlacementsLeaveNoOldNameBehind() throws Exception {
        String productId = system.createProduct("Race 0", "1.00");
        String userId = newUser("racer");
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Callable<OrderSystem.Answer>> work = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                work.add(() -> system.postJson("orders", "{\"user_id\":\"" + userId + "\",\"product_id\":\""
                        + productId + "\",\"quantity\":1}"));
                if (i % 8 == 0) {
                    String name = "Race " + (i / 8 + 1);
                    work.add(() -> system.putJson("products/" + productId, "{\"name\":\"" + name + "\"}"));
                }
            }
            for (Future<OrderSystem.Answer> f : pool.invokeAll(work)) {
                assertTrue(f.get().status() == 200 || f.get().status() == 201, f.get().body());
            }
        } finally {
            pool.shutdownNow();
        }
        String last = system.awaitView("products/" + productId, p -> p.getInt("version") == 11).getString("name");
        awaitViews("product_id", productId, "product_name", last, 80);
    }

    private static void awaitViews(String key, String id, String column, String value, int expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Connection read = TestDatabases.read()) {
                return TestDatabases.count(read, "SELECT count(*) FROM order_views WHERE " + key + " = ? AND "
                        + column + " = ?", UUID.fromString(id), value);
            }
        }, n -> n == expected);
    }

    @Test
    void anIdempotentRetryGetsTheFirstAnswerAndDoesNothingElse() throws Exception {
        String productId = system.createProduct("Cups", "4.00");
        String userId = newUser("retry");
        String body = "{\"user_id\":\"" + userId + "\",\"product_id\":\"" + productId + "\",\"quantity\":2}";
        String key = UUID.randomUUID().toString();
        OrderSystem.Answer first = system.request("POST", "orders", "application/json", body, "Idempotency-Key", key);
        OrderSystem.Answer retry = system.request("POST", "orders", "application/json", body, "Idempotency-Key", key);
        assertEquals(201, first.status(), first.body());
        assertEquals(201, retry.status(), retry.body());
        assertEquals(first.json(), retry.json());
        assertEquals(first.header("Location"), retry.header("Location"));
        assertEquals("true", retry.header("Idempotent-Replayed").orElse(""));
        try (Connection write = TestDatabases.write()) {
            assertEquals(1, TestDatabases.count(write, "SELECT count(*) FROM orders WHERE user_id = ?",
                    UUID.fromString(userId)), "the retry placed a second order");
        }
        OrderSystem.Answer otherBody = system.request("POST", "orders", "application/json",
                body.replace("\"quantity\":2", "\"quantity\":3"), "Idempotency-Key", key);
        assertProblem(otherBody, 422, "idempotency-key-reused");
        assertEquals(List.of("Idempotency-Key"), fields(otherBody));

        String orderId = first.json().getString("order_id");
        String confirmKey = UUID.randomUUID().toString();
        assertEquals(2, system.transition(orderId, "confirm", "Idempotency-Key", confirmKey).json().getInt("version"));
        OrderSystem.Answer again = system.transition(orderId, "confirm", "Idempotency-Key", confirmKey);
        assertEquals(200, again.status(), "a retried confirm is not a 409: " + again.body());
        assertEquals(2, again.json().getInt("version"));
        assertProblem(system.transition(orderId, "ship", "Idempotency-Key", confirmKey), 422, "idempotency-key-reused");
        assertProblem(system.request("POST", "orders", "application/json", body, "Idempotency-Key", "bad key"), 400,
                "invalid-input");
    }

    @Test
    void concurrentCommandsOnOneOrderLoseNoUpdate() throws Exception {
        String orderId = system.placeOrder(newUser("race"), system.createProduct("Race", "1.00"), 1);
        int clients = 16;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Callable<OrderSystem.Answer>> changes = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int quantity = 10 + i;
                changes.add(() -> system.putJson("orders/" + orderId, "{\"quantity\":" + quantity + "}"));
            }
            // Each change's answer names the version it made; invokeAll keeps the order of the tasks.
            TreeMap<Integer, Integer> quantityByVersion = new TreeMap<>();
            List<Future<OrderSystem.Answer>> answers = pool.invokeAll(changes);
            for (int i = 0; i < clients; i++) {
                OrderSystem.Answer answer = answers.get(i).get();
                assertEquals(200, answer.status(), answer.body());
                quantityByVersion.put(answer.json().getInt("version"), 10 + i);
            }
            assertEquals(clients, quantityByVersion.size(), "two commands got the same version: " + quantityByVersion);
            assertEquals(clients + 1, quantityByVersion.lastKey(), "the last version");
            // No lost update: every version's event holds the quantity of the command that was answered
            // with that version, and the last of them is the order's quantity, in the write model and the view.
            int lastQuantity = quantityByVersion.get(clients + 1);
            JsonObject view = system.awaitOrder(orderId, clients + 1);
            try (Connection write = TestDatabases.write()) {
                Map<Integer, Integer> quantityByEvent = new TreeMap<>();
                for (int version : quantityByVersion.keySet()) {
                    quantityByEvent.put(version, (int) TestDatabases.count(write,
                            "SELECT (data->>'quantity')::int FROM events WHERE aggregate_id = ? AND sequence = ?",
                            UUID.fromString(orderId), version));
                }
                assertEquals(quantityByVersion, quantityByEvent, "each version's event holds its command's quantity");
                assertEquals(clients + 1, TestDatabases.count(write, "SELECT version FROM orders WHERE order_id = ?",
                        UUID.fromString(orderId)), "the write model's version");
                assertEquals(lastQuantity, TestDatabases.count(write, "SELECT quantity FROM orders WHERE order_id = ?",
                        UUID.fromString(orderId)), "the write model holds the last change's quantity");
            }
            assertEquals(lastQuantity, view.getInt("quantity"), "the view does not show the last change");

            // All expecting the same version: exactly one wins, the others are told it moved on.
            List<Callable<OrderSystem.Answer>> confirms = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                confirms.add(() -> system.transition(orderId, "confirm", "If-Match", "\"" + (clients + 1) + "\""));
            }
            int accepted = 0;
            for (Future<OrderSystem.Answer> f : pool.invokeAll(confirms)) {
                int status = f.get().status();
                assertTrue(status == 200 || status == 412, "unexpected " + status + ": " + f.get().body());
                accepted += status == 200 ? 1 : 0;
            }
            assertEquals(1, accepted, "confirms accepted of " + clients + " expecting the same version");
            assertEquals("CONFIRMED", system.awaitOrder(orderId, clients + 2).getString("status"));
        } finally {
            pool.shutdownNow();
        }
    }
}
