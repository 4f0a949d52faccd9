package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static dev.cqrs.orders.scenario.ProblemAssertions.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.order.query.OrderListQuery;
import dev.cqrs.orders.order.query.OrderView;
import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The order list (filters, keyset paging, its query plans) and the OpenAPI document. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class QueriesIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    private List<String> ids(JsonObject page) {
        return page.getJsonArray("items").stream().map(v -> v.asJsonObject().getString("order_id"))
                .collect(Collectors.toList());
    }

    @Test
    void pagesAreStableWhileOrdersArrive() {
        String productId = system.createProduct("Paged", "1.00");
        String userId = system.registerUser("paged-" + UUID.randomUUID() + "@example.com");
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            placed.add(system.placeOrder(userId, productId, 1 + i));
        }
        system.awaitView("orders?user_id=" + userId + "&limit=100", p -> p.getJsonArray("items").size() == 25);

        JsonObject first = system.get("orders?user_id=" + userId + "&limit=10").json();
        assertEquals(10, ids(first).size());
        String cursor = first.getString("next_cursor");
        assertTrue(cursor.matches("[A-Za-z0-9_-]+"), "cursor is not URL-safe: " + cursor);
        // Orders placed between two pages go to the front: the next pages neither repeat nor skip.
        for (int i = 0; i < 3; i++) {
            system.placeOrder(userId, productId, 99);
        }
        system.awaitView("orders?user_id=" + userId + "&limit=100", p -> p.getJsonArray("items").size() == 28);
        JsonObject second = system.get("orders?user_id=" + userId + "&limit=10&cursor=" + cursor).json();
        JsonObject third = system.get("orders?user_id=" + userId + "&limit=10&cursor=" + second.getString("next_cursor")).json();
        assertEquals(5, ids(third).size());
        assertEquals(JsonValue.NULL, third.get("next_cursor"));
        List<String> all = new ArrayList<>(ids(first));
        all.addAll(ids(second));
        all.addAll(ids(third));
        List<String> newestFirst = new ArrayList<>(placed);
        Collections.reverse(newestFirst);
        assertEquals(newestFirst, all);

        // Each item is the order's view, as GET /orders/{id} answers it.
        assertEquals(system.get("orders/" + all.get(3)).json(), first.getJsonArray("items").getJsonObject(3));
    }

    @Test
    void filtersNarrowTheList() {
        String productA = system.createProduct("Filter A", "2.00");
        String productB = system.createProduct("Filter B", "3.00");
        String userId = system.registerUser("filters-" + UUID.randomUUID() + "@example.com");
        Instant start = Instant.now();
        String a1 = system.placeOrder(userId, productA, 1);
        String a2 = system.placeOrder(userId, productA, 1);
        String b1 = system.placeOrder(userId, productB, 1);
        system.transition(a2, "confirm");
        system.awaitOrder(a2, 2);
        system.awaitOrder(b1, 1);
        system.awaitOrder(a1, 1);
        assertEquals(Set.of(a1, a2), Set.copyOf(ids(system.get("orders?product_id=" + productA).json())));
        assertEquals(List.of(a2), ids(system.get("orders?user_id=" + userId + "&status=CONFIRMED").json()));
        assertEquals(List.of(a1), ids(system.get("orders?user_id=" + userId + "&status=PENDING&product_id=" + productA).json()));
        String from = system.get("orders/" + a2).json().getString("created_at");
        assertEquals(List.of(b1, a2), ids(system.get("orders?user_id=" + userId + "&created_from=" + from).json()));
        assertEquals(List.of(a1), ids(system.get("orders?user_id=" + userId + "&created_to=" + from
                + "&created_from=" + start).json()));

        OrderSystem.Answer bad = system.get("orders?user_id=nope&status=LOST&limit=1000&cursor=xyz&created_from=monday");
        assertProblem(bad, 400, "invalid-input");
        assertEquals(List.of("user_id", "status", "created_from", "limit", "cursor"), fields(bad));
    }

    /**
     * Each filter is served by an index that also gives the order (no sort, no sequential scan), on a
     * table of realistic size: rows added and analyzed in a transaction that is rolled back.
     */
    @Test
    void everyFilterHasAnIndexThatServesIt() throws Exception {
        UUID user = UUID.randomUUID();
        UUID product = UUID.randomUUID();
        Map<String, OrderListQuery> queries = new LinkedHashMap<>();
        String cursor = new OrderListQuery.Cursor(Instant.parse("2026-06-01T00:00:00Z"), UUID.randomUUID()).encode();
        queries.put("order_views_created_idx", OrderListQuery.of(null, null, null, null, null, null, null));
        queries.put("order_views_created_idx ", OrderListQuery.of(null, null, null, "2026-01-01T00:00:00Z",
                "2026-02-01T00:00:00Z", "50", cursor));
        queries.put("order_views_user_created_idx", OrderListQuery.of(user.toString(), null, null, null, null, null, cursor));
        queries.put("order_views_product_created_idx", OrderListQuery.of(null, product.toString(), null, null, null, null, null));
        queries.put("order_views_status_created_idx", OrderListQuery.of(null, null, "SHIPPED", null, null, null, cursor));
        queries.put("order_views_user_created_idx  ", OrderListQuery.of(user.toString(), null, "PENDING",
                "2026-01-01T00:00:00Z", null, null, null));
        try (Connection read = TestDatabases.read(); Statement sql = read.createStatement()) {
            read.setAutoCommit(false);
            try {
                sql.execute("""
                        INSERT INTO order_views (order_id, user_id, product_id, quantity, status, created_at, product_name,
                                                 user_email, unit_price, total_price, version, updated_at)
                        SELECT gen_random_uuid(), CASE WHEN i %% 50 = 0 THEN '%s'::uuid ELSE gen_random_uuid() END,
                               CASE WHEN i %% 40 = 0 THEN '%s'::uuid ELSE gen_random_uuid() END, 1,
                               (ARRAY['PENDING', 'CONFIRMED', 'SHIPPED', 'CANCELLED'])[1 + i %% 4],
                               timestamptz '2026-01-01' + i * interval '1 minute', 'p', 'u', 1, 1, 1, now()
                        FROM generate_series(1, 200000) AS i""".formatted(user, product));
                sql.execute("ANALYZE order_views");
                for (Map.Entry<String, OrderListQuery> q : queries.entrySet()) {
                    String plan = plan(sql, q.getValue());
                    assertTrue(plan.contains("Index Scan using " + q.getKey().trim() + " "),
                            "expected " + q.getKey() + " for " + q.getValue().sql() + ":\n" + plan);
                    assertFalse(plan.contains("Seq Scan") || plan.contains("Sort"), plan);
                }
            } finally {
                read.rollback();
            }
        }
    }

    private static String plan(Statement sql, OrderListQuery query) throws Exception {
        // The statement OrderQueryService runs, its parameters written in as literals, in order.
        String text = "SELECT " + OrderView.TABLE.columnList() + " FROM order_views " + query.sql();
        for (Object p : query.parameters()) {
            String literal = p instanceof Number ? p.toString()
                    : p instanceof Instant ? "'" + p + "'::timestamptz"
                    : p instanceof UUID ? "'" + p + "'::uuid" : "'" + p + "'";
            text = text.replaceFirst("\\?", java.util.regex.Matcher.quoteReplacement(literal));
        }
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = sql.executeQuery("EXPLAIN " + text)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    /** Every JAX-RS resource path of the application is in /openapi, with no path left undescribed. */
    @Test
    void theOpenApiDocumentDescribesEveryEndpoint() {
        OrderSystem.Answer answer = system.request("GET", "openapi", null, null, "Accept", "application/json");
        assertEquals(200, answer.status(), answer.body());
        JsonObject paths = answer.json().getJsonObject("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, item) -> item.asJsonObject().keySet().stream()
                .filter(m -> Set.of("get", "post", "put", "delete", "patch").contains(m))
                .forEach(m -> documented.add(m.toUpperCase() + " " + path)));
        Set<String> served = ServedEndpoints.all();
        assertTrue(served.size() >= 16, "resources not found: " + served);
        assertEquals(served, documented);
        assertNull(paths.getJsonObject("/orders").getJsonObject("post").get("deprecated"));
    }
}
