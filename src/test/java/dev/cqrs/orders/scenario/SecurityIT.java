package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TableSnapshot;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    private String commandOfA;
    private String parkedProduct;
    private final Instant matrixStarted = Instant.now();

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
        // Customer A's own command, which only A and an admin may follow.
        OrderSystem.Answer placedByA = callers.get(Who.CUSTOMER_A).placeOrderAnswer(userA, productId);
        commandOfA = placedByA.header("Command-Id").orElseThrow(() -> new AssertionError("no Command-Id: " + placedByA.body()));
        admin.awaitOrder(orderOfA, 1);
        admin.awaitView("products/" + productId + "/sales", sales -> true);
        admin.awaitView("users/" + userA + "/summary", summary -> true);
    }

    /** One request of a matrix row, made fresh for each caller (a new order where the row changes one). */
    record Request(String method, String path, String body) {
    }

    /**
     * What an allowed cell must have done: a command's effect in write_db's events and, once
     * projected, in its view; a query's answer against the data it reads; an admin action's result.
     */
    interface Effect {
        void check(Who who, Request request, OrderSystem.Answer answer) throws Exception;
    }

    /**
     * A row: the endpoint as its resource declares it, how to call it, the status per caller, and
     * what a 2xx cell must have done.
     */
    record Row(String endpoint, Function<Who, Request> request, int anonymous, int customerA, int customerB, int clerk,
               int admin, Effect effect) {

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

    /** The view the matrix rebuilds (a small one: the catalog's) and the one it verifies. */
    private static final String REBUILT_VIEW = "product_views";
    private static final String VERIFIED_VIEW = "user_views";

    private List<Row> matrix(String deadLetter) {
        String email = "{\"email\":\"m-%s@example.com\"}";
        String placeForA = "{\"user_id\":\"" + userA + "\",\"product_id\":\"" + productId + "\",\"quantity\":1}";
        return List.of(
                row("GET /", w -> get(""), 200, 200, 200, 200, 200, this::linksAnswered),
                row("GET /health", w -> get("health"), 200, 200, 200, 200, 200, healthAnswered("databases", "application")),
                row("GET /health/ready", w -> get("health/ready"), 200, 200, 200, 200, 200,
                        healthAnswered("databases", "schema-migrations", "outbox-relay", "projection-lag", "application")),
                row("GET /health/live", w -> get("health/live"), 200, 200, 200, 200, 200, healthAnswered()),
                row("GET /health/started", w -> get("health/started"), 200, 200, 200, 200, 200, healthAnswered()),
                row("POST /products", w -> post("products", "{\"name\":\"Matrix cup\",\"price\":1}"), 401, 403, 403, 403, 201,
                        command("product_id", "ProductAdded", "name", r -> "Matrix cup")),
                row("PUT /products/{product_id}", w -> put("products/" + productId, "{\"price\":4.5}"), 401, 403, 403, 403, 200,
                        command("product_id", "ProductChanged", "price", r -> "4.5")),
                row("GET /products/{product_id}", w -> get("products/" + productId), 401, 200, 200, 200, 200, this::productAnswered),
                row("GET /products/{product_id}/sales", w -> get("products/" + productId + "/sales"), 401, 403, 403, 200, 200,
                        this::salesAnswered),
                row("POST /users", w -> post("users", email.formatted(UUID.randomUUID())), 401, 403, 403, 403, 201,
                        command("user_id", "CustomerRegistered", "email", SecurityIT::sentEmail)),
                row("PUT /users/{user_id}", w -> put("users/" + userA, email.formatted(UUID.randomUUID())), 401, 200, 404, 403, 200,
                        command("user_id", "CustomerEmailChanged", "email", SecurityIT::sentEmail)),
                row("GET /users/{user_id}", w -> get("users/" + userA), 401, 200, 404, 200, 200, this::userAnswered),
                row("GET /users/{user_id}/summary", w -> get("users/" + userA + "/summary"), 401, 200, 404, 200, 200,
                        this::summaryAnswered),
                row("POST /orders", w -> post("orders", placeForA), 401, 201, 403, 403, 201,
                        command("order_id", "OrderPlaced", "user_id", r -> userA)),
                row("GET /orders", w -> get("orders?limit=100&user_id=" + userA), 401, 200, 200, 200, 200, this::listAnswered),
                row("GET /orders/{order_id}", w -> get("orders/" + orderOfA), 401, 200, 404, 200, 200, this::orderAnswered),
                // Streams: B's of A's order opens and stays silent (OrderStreamsIT), as B's list of A's orders is empty.
                row("GET /orders/changes", w -> get("orders/changes?user_id=" + userA), 401, 200, 200, 200, 200,
                        SecurityIT::streamOpened),
                row("GET /orders/{order_id}/changes", w -> get("orders/" + orderOfA + "/changes"), 401, 200, 200, 200, 200,
                        SecurityIT::streamOpened),
                row("PUT /orders/{order_id}", w -> put("orders/" + freshOrderOfA(false), "{\"quantity\":2}"), 401, 200, 404, 403, 200,
                        command("order_id", "OrderQuantityChanged", "quantity", r -> "2")),
                row("POST /orders/{order_id}/confirm", w -> post("orders/" + freshOrderOfA(false) + "/confirm", null), 401, 403, 403, 200, 200,
                        command("order_id", "OrderConfirmed", "status", r -> "CONFIRMED")),
                row("POST /orders/{order_id}/ship", w -> post("orders/" + freshOrderOfA(true) + "/ship", null), 401, 403, 403, 200, 200,
                        command("order_id", "OrderShipped", "status", r -> "SHIPPED")),
                row("POST /orders/{order_id}/cancel", w -> post("orders/" + freshOrderOfA(false) + "/cancel", null), 401, 200, 404, 403, 200,
                        command("order_id", "OrderCancelled", "status", r -> "CANCELLED")),
                row("GET /admin/dead-letters", w -> get("admin/dead-letters?state=dead&limit=1000"), 401, 403, 403, 403, 200,
                        (w, r, a) -> deadLettersAnswered(a, deadLetter)),
                row("POST /admin/dead-letters/{id}/retry", w -> post("admin/dead-letters/" + deadLetter + "/retry", null), 401, 403, 403, 403, 200,
                        (w, r, a) -> deadLetterReplayed(a, deadLetter)),
                row("GET /admin/projections", w -> get("admin/projections"), 401, 403, 403, 403, 200, this::projectionsAnswered),
                row("GET /admin/projections/deliveries", w -> get("admin/projections/deliveries"), 401, 403, 403, 403, 200,
                        this::deliveriesAnswered),
                row("POST /admin/projections/{name}/rebuild", w -> post("admin/projections/" + REBUILT_VIEW + "/rebuild", null), 401, 403, 403, 403, 202,
                        this::rebuildRan),
                row("POST /admin/projections/{name}/verify", w -> post("admin/projections/" + VERIFIED_VIEW + "/verify", null), 401, 403, 403, 403, 200,
                        this::verifyAnswered),
                row("GET /admin/events", w -> get("admin/events?limit=1"), 401, 403, 403, 403, 200, this::eventsAnswered),
                row("GET /admin/read-cache", w -> get("admin/read-cache"), 401, 403, 403, 403, 200,
                        (w, r, a) -> assertTrue(a.json().getBoolean("enabled"), a.body())),
                row("PUT /admin/read-cache", w -> put("admin/read-cache", "{\"enabled\":true}"), 401, 403, 403, 403, 200,
                        (w, r, a) -> assertTrue(a.json().getBoolean("enabled"), a.body())),
                row("GET /admin/streams", w -> get("admin/streams"), 401, 403, 403, 403, 200,
                        (w, r, a) -> assertTrue(a.json().getJsonNumber("opened").longValue() > 0, "the matrix's own streams: " + a.body())),
                row("GET /admin/audit", w -> get("admin/audit?limit=1"), 401, 403, 403, 403, 200, this::auditAnswered),
                row("GET /commands/{command_id}", w -> get("commands/" + commandOfA), 401, 200, 404, 404, 200,
                        this::commandAnswered));
    }

    /**
     * The requests of every row are made first (a row that changes an order gets fresh ones); then,
     * with the app quiet, every cell the matrix refuses is sent, and together they must leave no
     * trace in any table (the audit log aside, by their own refusal rows); then, row by row, the
     * allowed cells, each of which must have done what it says. (One quiet snapshot before and after
     * all the refusals, not a pair per row: waiting for quiet is most of this test's time.)
     */
    @Test
    void everyEndpointAnswersEveryKindOfCallerAsTheMatrixSays() throws Exception {
        List<Row> matrix = matrix(parkedDeadLetter());
        Set<String> covered = matrix.stream().map(Row::endpoint).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(ServedEndpoints.all(), covered, "every endpoint has a row, and every row an endpoint");
        Map<String, String> wrong = new LinkedHashMap<>();
        Map<Row, Map<Who, Request>> requests = new LinkedHashMap<>();
        for (Row row : matrix) {
            Map<Who, Request> ofRow = new EnumMap<>(Who.class);
            for (Who who : Who.values()) {
                ofRow.put(who, row.request().apply(who));
            }
            requests.put(row, ofRow);
        }
        TableSnapshot before = TableSnapshot.whenQuiet();
        Map<String, Integer> refusals = new LinkedHashMap<>();
        for (Row row : matrix) {
            for (Who who : Who.values()) {
                if (row.expected(who) >= 400) {
                    refusals.put(row.endpoint() + " as " + who, send(row, who, requests.get(row).get(who), wrong).status());
                }
            }
        }
        before.assertNoTraceSince("the refused cells " + refusals);
        for (Row row : matrix) {
            for (Who who : Who.values()) {
                if (row.expected(who) < 400) {
                    OrderSystem.Answer answer = send(row, who, requests.get(row).get(who), wrong);
                    if (answer.status() == row.expected(who)) {
                        row.effect().check(who, requests.get(row).get(who), answer);
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), "cells that differ from the matrix: " + wrong);
    }

    /** Sends one cell; a status other than the matrix's goes into {@code wrong}, a refusal must be a problem. */
    private OrderSystem.Answer send(Row row, Who who, Request request, Map<String, String> wrong) {
        OrderSystem.Answer answer = request.path().replaceFirst("\\?.*", "").endsWith("/changes")
                ? callers.get(who).openStream(request.path())
                : callers.get(who).request(request.method(), request.path(), request.body() == null ? null : "application/json",
                        request.body());
        if (answer.status() != row.expected(who)) {
            wrong.put(row.endpoint() + " as " + who, "expected " + row.expected(who) + ", got " + answer.status()
                    + " " + answer.body());
        } else if (answer.status() >= 400) {
            assertProblem(answer, answer.status(), kind(answer.status()));
        }
        if (answer.status() == 401) {
            assertTrue(answer.header("WWW-Authenticate").orElse("").startsWith("Bearer"),
                    "a 401 names the Bearer scheme: " + answer.response().headers());
        }
        return answer;
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
            // A view is private and revalidated (issue 19, HttpCachingIT); every other answer is not stored.
            assertEquals(answer.status() == 200 ? "private, no-cache" : "no-store", answer.header("Cache-Control").orElse(""), where);
            assertEquals("Authorization", answer.header("Vary").orElse(""), where);
            assertEquals("no-referrer", answer.header("Referrer-Policy").orElse(""), where);
            assertTrue(answer.header("X-Correlation-Id").isPresent(), where);
        }
    }

    /**
     * A token is verified once and then kept (issue 17), but never past its {@code exp}: the same
     * token, accepted twice, is refused once it has expired (plus the 5 s clock skew). A token that
     * fails verification is a 401 on an open resource too; no token there is fine.
     */
    @Test
    void aTokenAcceptedBeforeIsRefusedOnceItExpires() {
        OrderSystem shortLived = admin.as(Tokens.expiringIn("short-lived-admin", 2, "admin"));
        assertEquals(200, shortLived.get("orders/" + orderOfA).status());
        assertEquals(200, shortLived.get("orders/" + orderOfA).status());
        Awaitility.await("the expired token refused").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> shortLived.get("orders/" + orderOfA).status() == 401);
        assertEquals(401, admin.as(Tokens.wronglySigned("x", "admin")).get("").status());
        assertEquals(401, admin.as(Tokens.unsigned("x")).get("").status());
        assertEquals(200, admin.as(null).get("").status());
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
            JsonObject entry = Json.createReader(new StringReader(line)).readObject();
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
        assertEquals(answer.header("Command-Id").orElse("none"), entry.getString("command_id"), entry.toString());
        if (answer.status() < 400) {
            assertTrue(entry.isNull("problem"), entry.toString());
        } else {
            assertEquals(answer.json(), entry.getJsonObject("problem"), "the problem its client got: " + entry);
        }
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

    /**
     * A dead letter that exists, so that the retry row's 200 means a replay ran and its 403s are the
     * role check: the ProductAdded event of a product made for it, as the app serializes it
     * (GET /admin/events), parked as dead. Its product's views already hold it, so the replay applies it
     * again, newest-wins, without a change, and removes it; nothing else of that product happens meanwhile.
     */
    private String parkedDeadLetter() throws Exception {
        parkedProduct = admin.createProduct("Parked tea", "1.00");
        return DeadLetterFixture.parkFirstEventOfProduct(admin, parkedProduct, "parked by SecurityIT for the retry row");
    }

    /**
     * A command's effect: write_db holds an event of {@code eventType} for the answer's aggregate,
     * numbered with the answered version, and the view reaches that version showing {@code field}
     * as the request set it.
     */
    private Effect command(String idField, String eventType, String field, Function<Request, String> expected) {
        return (who, request, answer) -> {
            String id = answer.status() == 201 ? answer.created(idField) : answer.json().getString(idField);
            int version = answer.json().getInt("version");
            String cell = request.method() + " " + request.path() + " as " + who;
            assertEquals(List.of(eventType), writeColumn("SELECT type FROM events WHERE aggregate_id = ? AND sequence = ?",
                    UUID.fromString(id), version), cell + ": the event numbered with the answered version");
            String view = switch (idField) {
                case "product_id" -> "products/";
                case "user_id" -> "users/";
                default -> "orders/";
            };
            JsonObject shown = admin.awaitView(view + id, v -> v.getInt("version") == version);
            assertEquals(expected.apply(request), text(shown.get(field)), cell + ": " + field + " in the view");
        };
    }

    private static String sentEmail(Request request) {
        return Json.createReader(new StringReader(request.body())).readObject().getString("email");
    }

    private void linksAnswered(Who who, Request request, OrderSystem.Answer answer) {
        JsonObject links = answer.json();
        assertEquals(List.of("/orders", "/products", "/users"),
                List.of(links.getString("orders"), links.getString("products"), links.getString("users")),
                "GET / as " + who + ": the links");
    }

    private void commandAnswered(Who who, Request request, OrderSystem.Answer answer) {
        JsonObject command = answer.json();
        assertEquals(List.of(commandOfA, "order.place", userA, "accepted", 1),
                List.of(command.getString("command_id"), command.getString("type"), command.getString("principal"),
                        command.getString("outcome"), command.getJsonArray("events").size()),
                "GET /commands/{command_id} as " + who + ": " + answer.body());
        assertEquals("OrderPlaced", command.getJsonArray("events").getJsonObject(0).getString("type"), answer.body());
    }

    /** The application's own MicroProfile Health answer: UP, with (at least) the checks named. */
    private static Effect healthAnswered(String... checks) {
        return (who, request, answer) -> {
            JsonObject health = answer.json();
            assertEquals("UP", health.getString("status"), answer.body());
            Set<String> names = health.getJsonArray("checks").stream().map(c -> c.asJsonObject().getString("name"))
                    .collect(Collectors.toSet());
            assertTrue(names.containsAll(List.of(checks)), "checks " + names + " as " + who + ": " + answer.body());
        };
    }

    private void productAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        JsonObject product = answer.json();
        assertEquals(writeColumns("SELECT product_id::text, name, trim_scale(price)::text, version::text FROM products "
                        + "WHERE product_id = ?", UUID.fromString(productId)),
                fields(product, "product_id", "name", "price", "version"), "GET product as " + who + " = the write model");
    }

    private void salesAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        assertEquals(writeColumns("""
                        SELECT p.product_id::text, p.name, coalesce(sum(o.quantity), 0)::text,
                               trim_scale(coalesce(sum(o.quantity * o.unit_price), 0))::text
                        FROM products p LEFT JOIN orders o ON o.product_id = p.product_id AND o.status <> 'CANCELLED'
                        WHERE p.product_id = ? GROUP BY p.product_id, p.name""", UUID.fromString(productId)),
                fields(answer.json(), "product_id", "product_name", "units_sold", "revenue"),
                "GET sales as " + who + " = the write model's orders of the product, cancelled ones aside");
    }

    private void userAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        assertEquals(writeColumns("SELECT user_id::text, email, version::text FROM customers WHERE user_id = ?",
                UUID.fromString(userA)), fields(answer.json(), "user_id", "email", "version"),
                "GET user as " + who + " = the write model");
    }

    private void summaryAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        JsonObject summary = answer.json();
        JsonObject byStatus = summary.getJsonObject("orders_by_status");
        List<String> shown = new ArrayList<>(fields(summary, "user_id", "user_email", "total_spent"));
        for (String status : List.of("PENDING", "CONFIRMED", "SHIPPED", "CANCELLED")) {
            shown.add(text(byStatus.get(status)));
        }
        assertEquals(writeColumns("""
                        SELECT c.user_id::text, c.email,
                               trim_scale(coalesce(sum(o.quantity * o.unit_price) FILTER (WHERE o.status <> 'CANCELLED'), 0))::text,
                               (count(o.*) FILTER (WHERE o.status = 'PENDING'))::text,
                               (count(o.*) FILTER (WHERE o.status = 'CONFIRMED'))::text,
                               (count(o.*) FILTER (WHERE o.status = 'SHIPPED'))::text,
                               (count(o.*) FILTER (WHERE o.status = 'CANCELLED'))::text
                        FROM customers c LEFT JOIN orders o ON o.user_id = c.user_id
                        WHERE c.user_id = ? GROUP BY c.user_id, c.email""", UUID.fromString(userA)),
                shown, "GET summary as " + who + " = the write model's orders of the customer");
    }

    /** A's orders, all of them (fewer than the page); none for B, whose list holds only B's own. */
    private void listAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        Set<String> expected = who == Who.CUSTOMER_B ? Set.of()
                : new TreeSet<>(writeColumn("SELECT order_id::text FROM orders WHERE user_id = ?", UUID.fromString(userA)));
        assertEquals(expected, new TreeSet<>(ids(answer.json())), "GET orders of A as " + who);
    }

    private void orderAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        assertEquals(writeColumns("SELECT order_id::text, user_id::text, product_id::text, quantity::text, status, "
                        + "version::text FROM orders WHERE order_id = ?", UUID.fromString(orderOfA)),
                fields(answer.json(), "order_id", "user_id", "product_id", "quantity", "status", "version"),
                "GET A's order as " + who + " = the write model");
    }

    private void deadLettersAnswered(OrderSystem.Answer answer, String deadLetter) throws SQLException {
        List<String> listed = answer.json().getJsonArray("items").stream().map(i -> i.asJsonObject().getString("id"))
                .collect(Collectors.toList());
        assertTrue(listed.contains(deadLetter), "the parked dead letter is listed: " + listed);
        assertEquals(readColumn("SELECT least(count(*), 1000)::text FROM parked_events WHERE state = 'dead'"),
                List.of(Integer.toString(listed.size())), "dead letters listed = dead rows in parked_events");
    }

    private void deadLetterReplayed(OrderSystem.Answer answer, String deadLetter) throws SQLException {
        // Product events carry the whole state and are applied newest-wins: the copy of the view's
        // own event is applied again (replayed 1) and changes nothing.
        assertEquals(List.of(parkedProduct, "1", "0"), fields(answer.json(), "aggregate_id", "replayed", "still_parked"),
                "the replay applied the parked product's one event, none left");
        assertEquals(List.of("0"), readColumn("SELECT count(*)::text FROM parked_events WHERE event_id = ?",
                UUID.fromString(deadLetter)), "the replayed dead letter left parked_events");
        assertEquals(1, admin.get("products/" + parkedProduct).json().getInt("version"), "the product's view as it was");
    }

    private void projectionsAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        JsonArray views = Json.createReader(new StringReader(answer.body())).readArray();
        Map<String, String> positions = new TreeMap<>();
        views.forEach(v -> positions.put(v.asJsonObject().getString("name"), text(v.asJsonObject().get("position"))));
        assertTrue(positions.keySet().containsAll(List.of(REBUILT_VIEW, VERIFIED_VIEW, "order_views")),
                "views listed: " + positions.keySet());
        // The views report the monitor's stored position. Events of the matrix's own commands may still
        // be applied meanwhile, moving it between an answer and the read of the table: compare an answer
        // with the stored position read right after it, until the two agree (they do once it pauses).
        Awaitility.await("every view at the monitor's stored position").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    Map<String, String> now = new TreeMap<>();
                    Json.createReader(new StringReader(admin.get("admin/projections").body())).readArray().forEach(v ->
                            now.put(v.asJsonObject().getString("name"), text(v.asJsonObject().get("position"))));
                    String stored = readColumn("SELECT position::text FROM projection_positions WHERE name = 'read_models'")
                            .get(0);
                    assertTrue(now.values().stream().allMatch(stored::equals),
                            "every view at the monitor's stored position " + stored + ": " + now);
                });
    }

    /** This instance's delivery counts: each outcome a count, and events of the matrix's own commands applied. */
    private void deliveriesAnswered(Who who, Request request, OrderSystem.Answer answer) {
        JsonObject counts = answer.json();
        assertEquals(List.of("applied", "duplicates_ignored", "waiting", "failed", "transactions", "largest_transaction",
                        "applying", "queued", "lanes"),
                List.copyOf(counts.keySet()),
                "the counts of GET /admin/projections/deliveries");
        assertTrue(counts.getJsonNumber("applied").longValue() > 0, "events applied on this instance: " + counts);
    }

    /** The rebuild started by this cell ran to its end: its last rebuild began after the matrix did and is done. */
    private void rebuildRan(Who who, Request request, OrderSystem.Answer answer) {
        assertEquals(List.of(REBUILT_VIEW, "rebuilding"), fields(answer.json(), "projection", "state"), "the 202's body");
        JsonObject last = Awaitility.await("the rebuild of " + REBUILT_VIEW + " done").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> lastRebuild(REBUILT_VIEW), r -> r != null && r.getString("state").equals("done")
                        && Instant.parse(r.getString("started_at")).isAfter(matrixStarted));
        assertTrue(last.getJsonNumber("events").longValue() > 0, "the rebuild replayed events: " + last);
    }

    private JsonObject lastRebuild(String view) {
        return Json.createReader(new StringReader(admin.get("admin/projections").body())).readArray()
                .stream().map(JsonValue::asJsonObject).filter(v -> v.getString("name").equals(view))
                .map(v -> v.getJsonObject("last_rebuild")).findFirst().orElse(null);
    }

    private void verifyAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        assertEquals(List.of(VERIFIED_VIEW, "0"), fields(answer.json(), "projection", "differences_total"),
                "the verifier found the view equal to its events: " + answer.body());
        assertEquals(readColumn("SELECT count(*)::text FROM " + VERIFIED_VIEW), fields(answer.json(), "rows_checked"),
                "the verifier checked every row of " + VERIFIED_VIEW);
    }

    private void eventsAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        JsonObject page = answer.json();
        JsonObject first = page.getJsonArray("items").getJsonObject(0);
        List<String> shown = new ArrayList<>(fields(first, "position"));
        shown.addAll(fields(first.getJsonObject("event"), "event_id"));
        shown.addAll(fields(page, "head"));
        assertEquals(writeColumns("""
                SELECT l.global_position::text, e.event_id::text, (SELECT position::text FROM event_sequencer)
                FROM event_log l JOIN events e USING (aggregate_id, sequence) ORDER BY l.global_position LIMIT 1"""),
                shown, "the first event of the log and its head = write_db's");
    }

    private void auditAnswered(Who who, Request request, OrderSystem.Answer answer) throws SQLException {
        assertEquals(writeColumns("SELECT correlation_id::text, status::text FROM audit_log ORDER BY id DESC LIMIT 1"),
                fields(answer.json().getJsonArray("items").getJsonObject(0), "correlation_id", "status"),
                "the newest audit row = write_db's");
    }

    /** Fields of a JSON object as text (numbers without trailing zeros), in the order named. */
    private static List<String> fields(JsonObject object, String... names) {
        List<String> values = new ArrayList<>();
        for (String name : names) {
            values.add(text(object.get(name)));
        }
        return values;
    }

    private static String text(JsonValue value) {
        if (value instanceof JsonString string) {
            return string.getString();
        }
        if (value instanceof JsonNumber number) {
            return number.bigDecimalValue().stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** The first column of every row, as text. */
    private static List<String> writeColumn(String sql, Object... parameters) throws SQLException {
        try (Connection write = TestDatabases.write()) {
            return rows(write, sql, parameters).stream().map(row -> row.get(0)).collect(Collectors.toList());
        }
    }

    private static List<String> readColumn(String sql, Object... parameters) throws SQLException {
        try (Connection read = TestDatabases.read()) {
            return rows(read, sql, parameters).stream().map(row -> row.get(0)).collect(Collectors.toList());
        }
    }

    /** Every column of the one row the query answers, as text. */
    private static List<String> writeColumns(String sql, Object... parameters) throws SQLException {
        try (Connection write = TestDatabases.write()) {
            List<List<String>> rows = rows(write, sql, parameters);
            assertEquals(1, rows.size(), "rows of " + sql);
            return rows.get(0);
        }
    }

    private static List<List<String>> rows(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                        row.add(rs.getString(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    private static Row row(String endpoint, Function<Who, Request> request, int anonymous, int a, int b, int clerk,
                           int admin, Effect effect) {
        return new Row(endpoint, request, anonymous, a, b, clerk, admin, effect);
    }

    /** A stream's first line is the server's comment that it is open; the answer is an event stream. */
    private static void streamOpened(Who who, Request request, OrderSystem.Answer answer) {
        assertTrue(answer.header("Content-Type").orElse("").startsWith("text/event-stream"), answer.response().headers().toString());
        assertEquals(": open", answer.body(), "the stream's first line");
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
