package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may do what (issue 7): the authorization matrix of every endpoint for every kind of caller,
 * data filtering between customers, the audit log of commands, and the rate limit.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecurityIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    enum Who { ANONYMOUS, CUSTOMER_A, CUSTOMER_B, CLERK, ADMIN }

    private final OrderSystem admin = OrderSystem.atTestPort();
    private final Map<Who, OrderSystem> callers = new EnumMap<>(Who.class);
    private String productId;
    private String userA;
    private String userB;
    private String orderOfA;

    @BeforeEach
    void customersWithAnOrder() {
        productId = admin.createProduct("Matrix tea", "4.00");
        userA = admin.registerUser("a-" + UUID.randomUUID() + "@example.com");
        userB = admin.registerUser("b-" + UUID.randomUUID() + "@example.com");
        callers.put(Who.ANONYMOUS, admin.as(null));
        callers.put(Who.CUSTOMER_A, admin.as(Tokens.of(userA, "customer")));
        callers.put(Who.CUSTOMER_B, admin.as(Tokens.of(userB, "customer")));
        callers.put(Who.CLERK, admin.as(Tokens.of("clerk-" + UUID.randomUUID(), "clerk")));
        callers.put(Who.ADMIN, admin);
        orderOfA = admin.placeOrder(userA, productId, 1);
        admin.awaitOrder(orderOfA, 1);
        admin.awaitView("products/" + productId + "/sales", sales -> true);
        admin.awaitView("users/" + userA + "/summary", summary -> true);
    }

    /** One request of a matrix row, made fresh for each caller (a new order where the row changes one). */
    record Request(String method, String path, String body) {
    }

    /** A row: the endpoint as its resource declares it, how to call it, and the status per caller. */
    record Row(String endpoint, Function<Who, Request> request, int anonymous, int customerA, int customerB, int clerk,
               int admin) {

        int expected(Who who) {
            return switch (who) {
                case ANONYMOUS -> anonymous;
                case CUSTOMER_A -> customerA;
                case CUSTOMER_B -> customerB;
                case CLERK -> clerk;
                case ADMIN -> admin;
            };
        }
    }

    private List<Row> matrix() {
        String email = "{\"email\":\"m-%s@example.com\"}";
        String placeForA = "{\"user_id\":\"" + userA + "\",\"product_id\":\"" + productId + "\",\"quantity\":1}";
        return List.of(
                row("GET /", w -> get(""), 200, 200, 200, 200, 200),
                row("POST /products", w -> post("products", "{\"name\":\"Matrix cup\",\"price\":1}"), 401, 403, 403, 403, 201),
                row("PUT /products/{product_id}", w -> put("products/" + productId, "{\"price\":4.5}"), 401, 403, 403, 403, 200),
                row("GET /products/{product_id}", w -> get("products/" + productId), 401, 200, 200, 200, 200),
                row("GET /products/{product_id}/sales", w -> get("products/" + productId + "/sales"), 401, 403, 403, 200, 200),
                row("POST /users", w -> post("users", email.formatted(UUID.randomUUID())), 401, 403, 403, 403, 201),
                row("PUT /users/{user_id}", w -> put("users/" + userA, email.formatted(UUID.randomUUID())), 401, 200, 404, 403, 200),
                row("GET /users/{user_id}", w -> get("users/" + userA), 401, 200, 404, 200, 200),
                row("GET /users/{user_id}/summary", w -> get("users/" + userA + "/summary"), 401, 200, 404, 200, 200),
                row("POST /orders", w -> post("orders", placeForA), 401, 201, 403, 403, 201),
                row("GET /orders", w -> get("orders?user_id=" + userA), 401, 200, 200, 200, 200),
                row("GET /orders/{order_id}", w -> get("orders/" + orderOfA), 401, 200, 404, 200, 200),
                row("PUT /orders/{order_id}", w -> put("orders/" + freshOrderOfA(false), "{\"quantity\":2}"), 401, 200, 404, 403, 200),
                row("POST /orders/{order_id}/confirm", w -> post("orders/" + freshOrderOfA(false) + "/confirm", null), 401, 403, 403, 200, 200),
                row("POST /orders/{order_id}/ship", w -> post("orders/" + freshOrderOfA(true) + "/ship", null), 401, 403, 403, 200, 200),
                row("POST /orders/{order_id}/cancel", w -> post("orders/" + freshOrderOfA(false) + "/cancel", null), 401, 200, 404, 403, 200),
                row("GET /admin/dead-letters", w -> get("admin/dead-letters"), 401, 403, 403, 403, 200),
                row("POST /admin/dead-letters/{id}/retry", w -> post("admin/dead-letters/" + UUID.randomUUID() + "/retry", null), 401, 403, 403, 403, 404),
                row("GET /admin/projections", w -> get("admin/projections"), 401, 403, 403, 403, 200),
                row("POST /admin/projections/{name}/rebuild", w -> post("admin/projections/no_such_view/rebuild", null), 401, 403, 403, 403, 404),
                row("POST /admin/projections/{name}/verify", w -> post("admin/projections/user_views/verify", null), 401, 403, 403, 403, 200),
                row("GET /admin/events", w -> get("admin/events?limit=1"), 401, 403, 403, 403, 200),
                row("GET /admin/audit", w -> get("admin/audit?limit=1"), 401, 403, 403, 403, 200));
    }

    @Test
    void everyEndpointAnswersEveryKindOfCallerAsTheMatrixSays() {
        List<Row> matrix = matrix();
        Set<String> covered = matrix.stream().map(Row::endpoint).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(ServedEndpoints.all(), covered, "every endpoint has a row, and every row an endpoint");
        Map<String, String> wrong = new LinkedHashMap<>();
        for (Row row : matrix) {
            for (Who who : Who.values()) {
                Request request = row.request().apply(who);
                OrderSystem.Answer answer = callers.get(who).request(request.method(), request.path(),
                        request.body() == null ? null : "application/json", request.body());
                if (answer.status() != row.expected(who)) {
                    wrong.put(row.endpoint() + " as " + who, "expected " + row.expected(who) + ", got " + answer.status()
                            + " " + answer.body());
                } else if (answer.status() >= 400) {
                    assertProblem(answer, answer.status(), kind(answer.status()));
                }
                if (answer.status() == 401) {
                    assertTrue(answer.header("WWW-Authenticate").orElse("").startsWith("Bearer"), answer.response().headers().toString());
                }
            }
        }
        assertTrue(wrong.isEmpty(), "cells that differ from the matrix: " + wrong);
    }

    @Test
    void aCustomerNeverSeesAnotherCustomersOrdersInListsOrSummaries() {
        OrderSystem b = callers.get(Who.CUSTOMER_B);
        OrderSystem a = callers.get(Who.CUSTOMER_A);
        String orderOfB = b.placeOrder(userB, productId, 2);
        admin.awaitOrder(orderOfB, 1);

        assertEquals(List.of(orderOfB), ids(b.get("orders").json()), "B's own list");
        assertEquals(List.of(), ids(b.get("orders?user_id=" + userA).json()), "A's orders asked for by B");
        assertEquals(List.of(), ids(b.get("orders?product_id=" + productId + "&user_id=" + userA).json()));
        assertFalse(ids(b.get("orders?product_id=" + productId).json()).contains(orderOfA));
        assertTrue(ids(a.get("orders").json()).contains(orderOfA));
        assertFalse(ids(a.get("orders").json()).contains(orderOfB));
        assertTrue(ids(callers.get(Who.CLERK).get("orders?product_id=" + productId).json()).containsAll(List.of(orderOfA, orderOfB)));

        // Someone else's order and a missing one are the same answer, word for word but the id.
        String missing = UUID.randomUUID().toString();
        OrderSystem.Answer others = b.get("orders/" + orderOfA);
        OrderSystem.Answer none = b.get("orders/" + missing);
        assertEquals(none.body().replace(missing, "ID"), others.body().replace(orderOfA, "ID"));
        OrderSystem.Answer cancelOthers = b.transition(orderOfA, "cancel");
        OrderSystem.Answer cancelNone = b.transition(missing, "cancel");
        assertEquals(cancelNone.body().replace(missing, "ID"), cancelOthers.body().replace(orderOfA, "ID"));
        assertEquals(1, admin.get("orders/" + orderOfA).json().getInt("version"), "B's attempts changed nothing");
    }

    @Test
    void theAuditLogRecordsEveryCommandAcceptedOrRefusedNewestFirst() {
        String userC = admin.registerUser("c-" + UUID.randomUUID() + "@example.com");
        OrderSystem c = admin.as(Tokens.of(userC, "customer"));

        OrderSystem.Answer placed = c.postJson("orders", "{\"user_id\":\"" + userC + "\",\"product_id\":\"" + productId
                + "\",\"quantity\":1}");
        String order = placed.created("order_id");
        OrderSystem.Answer byRole = c.transition(order, "confirm");
        OrderSystem.Answer invalid = c.postJson("orders", "{\"quantity\":0}");
        OrderSystem.Answer anonymous = admin.as(null).transition(order, "cancel");
        OrderSystem.Answer forged = admin.as(Tokens.wronglySigned(userC, "admin")).transition(order, "cancel");
        assertEquals(List.of(201, 403, 400, 401, 401),
                List.of(placed.status(), byRole.status(), invalid.status(), anonymous.status(), forged.status()));

        JsonArray mine = admin.get("admin/audit?principal=" + userC).json().getJsonArray("items");
        assertEquals(List.of(400, 403, 201), statuses(mine), "newest first: " + mine);
        assertEntry(mine.getJsonObject(2), userC, "order.place", "POST", "/orders", order, "accepted", placed);
        assertEntry(mine.getJsonObject(1), userC, "order.confirm", "POST", "/orders/" + order + "/confirm", order,
                "refused", byRole);
        assertEntry(mine.getJsonObject(0), userC, "order.place", "POST", "/orders", null, "rejected", invalid);

        // By aggregate: the refusals of anonymous callers that named the order are there too.
        JsonArray ofOrder = admin.get("admin/audit?aggregate_id=" + order).json().getJsonArray("items");
        assertEquals(List.of(401, 403, 201), statuses(ofOrder), ofOrder.toString());
        assertEntry(ofOrder.getJsonObject(0), "anonymous", "order.cancel", "POST", "/orders/" + order + "/cancel", order,
                "refused", anonymous);
        // A token the container rejected before JAX-RS: audited by the error page, found by its correlation id.
        String forgedId = forged.header("X-Correlation-Id").orElseThrow();
        JsonObject forgedEntry = admin.get("admin/audit?principal=anonymous&outcome=401&limit=500").json()
                .getJsonArray("items").stream().map(JsonObject.class::cast)
                .filter(e -> e.getString("correlation_id").equals(forgedId)).findFirst()
                .orElseThrow(() -> new AssertionError("no audit row for the forged token's request " + forgedId));
        assertEquals("/orders/" + order + "/cancel", forgedEntry.getString("path"));
        assertEquals("refused", forgedEntry.getString("outcome"));

        // Filters and the cursor.
        assertEquals(List.of(403), statuses(admin.get("admin/audit?principal=" + userC + "&outcome=refused").json()
                .getJsonArray("items")));
        List<Integer> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = admin.get("admin/audit?principal=" + userC + "&limit=1"
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            paged.addAll(statuses(page.getJsonArray("items")));
            cursor = page.isNull("next_cursor") ? null : page.getString("next_cursor");
        } while (cursor != null && paged.size() < 10);
        assertEquals(List.of(400, 403, 201), paged);
        assertProblem(admin.get("admin/audit?outcome=maybe"), 400, "invalid-input");
        assertProblem(admin.get("admin/audit?limit=0"), 400, "invalid-input");
    }

    @Test
    void oneCustomerPastTheLimitGets429WhileAnotherKeepsGoing() throws Exception {
        String flooder = admin.registerUser("flood-" + UUID.randomUUID() + "@example.com");
        String calm = admin.registerUser("calm-" + UUID.randomUUID() + "@example.com");
        OrderSystem flood = admin.as(Tokens.of(flooder, "customer"));
        OrderSystem steady = admin.as(Tokens.of(calm, "customer"));
        String floodOrder = "{\"user_id\":\"" + flooder + "\",\"product_id\":\"" + productId + "\",\"quantity\":1}";

        ConcurrentLinkedQueue<OrderSystem.Answer> flooded = new ConcurrentLinkedQueue<>();
        AtomicBoolean refused = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long started = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            workers.add(pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    OrderSystem.Answer answer = flood.postJson("orders", floodOrder);
                    flooded.add(answer);
                    refused.compareAndSet(false, answer.status() == 429);
                }
            }));
        }
        // While the flood is refused, the other customer's commands go through.
        List<Integer> steadyStatuses = new ArrayList<>();
        while (workers.stream().anyMatch(w -> !w.isDone())) {
            if (refused.get()) {
                steadyStatuses.add(steady.placeOrderAnswer(calm, productId).status());
            }
            Thread.onSpinWait();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));

        List<OrderSystem.Answer> limited = flooded.stream().filter(a -> a.status() == 429).toList();
        long accepted = flooded.stream().filter(a -> a.status() == 201).count();
        assertEquals(200, limited.size() + accepted, "every flood request is 201 or 429");
        assertFalse(limited.isEmpty(), "200 commands in " + seconds + " s were not limited");
        assertTrue(accepted <= 40 + 20 * Math.ceil(seconds) + 1, accepted + " accepted in " + seconds + " s");
        OrderSystem.Answer first = limited.get(0);
        assertProblem(first, 429, "rate-limited");
        assertTrue(Integer.parseInt(first.header("Retry-After").orElse("0")) >= 1, first.response().headers().toString());
        assertFalse(steadyStatuses.isEmpty(), "the other customer sent nothing while the flood was refused");
        assertTrue(steadyStatuses.stream().allMatch(s -> s == 201), "the other customer got " + steadyStatuses);
        assertEquals(201, steady.placeOrderAnswer(calm, productId).status());
        assertEquals(201, admin.placeOrderAnswer(flooder, productId).status(), "admins are not limited by default");
    }

    @Test
    void everyAnswerCarriesHeadersFitForAnApi() {
        List<OrderSystem.Answer> answers = List.of(admin.get("orders/" + orderOfA), admin.get("orders/" + UUID.randomUUID()),
                admin.as(null).get("orders"), admin.as(Tokens.wronglySigned("x", "admin")).get("orders"),
                admin.postJson("orders", "{"));
        for (OrderSystem.Answer answer : answers) {
            String where = answer.status() + " " + answer.response().uri();
            assertEquals("nosniff", answer.header("X-Content-Type-Options").orElse(""), where);
            assertEquals("DENY", answer.header("X-Frame-Options").orElse(""), where);
            assertEquals("default-src 'none'; frame-ancestors 'none'", answer.header("Content-Security-Policy").orElse(""), where);
            assertEquals("no-store", answer.header("Cache-Control").orElse(""), where);
            assertEquals("no-referrer", answer.header("Referrer-Policy").orElse(""), where);
            assertTrue(answer.header("X-Correlation-Id").isPresent(), where);
        }
    }

    /** Who read which view: one JSON line per query in the access log, keyed by the correlation id. */
    @Test
    void everyQueryLeavesALineInTheAccessLog() throws Exception {
        OrderSystem customer = callers.get(Who.CUSTOMER_A);
        OrderSystem.Answer read = customer.get("orders/" + orderOfA);
        OrderSystem.Answer refused = callers.get(Who.CUSTOMER_B).get("orders/" + orderOfA);
        java.nio.file.Path file = java.nio.file.Path.of(TestDatabases.env("CQRS_ACCESS_LOG_FILE"));
        for (OrderSystem.Answer answer : List.of(read, refused)) {
            String id = answer.header("X-Correlation-Id").orElseThrow();
            String line = Awaitility.await("access log line " + id).atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> java.nio.file.Files.readAllLines(file).stream().filter(l -> l.contains(id)).findFirst(),
                            java.util.Optional::isPresent).orElseThrow();
            JsonObject entry = jakarta.json.Json.createReader(new java.io.StringReader(line)).readObject();
            assertEquals(answer == read ? userA : userB, entry.getString("principal"), line);
            assertEquals("order.get", entry.getString("view"), line);
            assertEquals("/orders/" + orderOfA, entry.getString("path"), line);
            assertEquals(answer.status(), entry.getInt("status"), line);
        }
    }

    private static void assertEntry(JsonObject entry, String principal, String commandType, String method, String path,
                                    String aggregateId, String outcome, OrderSystem.Answer answer) {
        assertEquals(principal, entry.getString("principal"), entry.toString());
        assertEquals(commandType, entry.isNull("command_type") ? null : entry.getString("command_type"), entry.toString());
        assertEquals(method, entry.getString("method"), entry.toString());
        assertEquals(path, entry.getString("path"), entry.toString());
        if (aggregateId == null) {
            assertNull(entry.isNull("aggregate_id") ? null : entry.getString("aggregate_id"), entry.toString());
        } else {
            assertEquals(aggregateId, entry.getString("aggregate_id"), entry.toString());
        }
        assertEquals(answer.status(), entry.getInt("status"));
        assertEquals(outcome, entry.getString("outcome"));
        assertEquals(answer.header("X-Correlation-Id").orElse("none"), entry.getString("correlation_id"));
    }

    private static List<Integer> statuses(JsonArray items) {
        return items.stream().map(i -> i.asJsonObject().getInt("status")).collect(Collectors.toList());
    }

    private static List<String> ids(JsonObject page) {
        return page.getJsonArray("items").stream().map(v -> v.asJsonObject().getString("order_id"))
                .collect(Collectors.toList());
    }

    private static String kind(int status) {
        return switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            default -> "bad-request";
        };
    }

    private String freshOrderOfA(boolean confirmed) {
        String order = admin.placeOrder(userA, productId, 1);
        if (confirmed) {
            assertEquals(200, admin.transition(order, "confirm").status());
        }
        return order;
    }

    private static Row row(String endpoint, Function<Who, Request> request, int anonymous, int a, int b, int clerk,
                           int admin) {
        return new Row(endpoint, request, anonymous, a, b, clerk, admin);
    }

    private static Request get(String path) {
        return new Request("GET", path, null);
    }

    private static Request post(String path, String body) {
        return new Request("POST", path, body);
    }

    private static Request put(String path, String body) {
        return new Request("PUT", path, body);
    }
}
