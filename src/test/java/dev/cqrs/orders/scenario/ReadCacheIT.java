package dev.cqrs.orders.scenario;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The read cache of view rows read by key (issue 19, {@code ViewCache}): a row read twice is
 * served from memory the second time; the projections' changes drop it (a rename reaches a kept
 * order); a change found in {@code view_changes} drops it, as another instance's projection would
 * write it; a query that names a write reads past a kept row; a rebuild's swap drops the table.
 *
 * <p>Some tests change a view row behind the application's back (what another instance's
 * projection would do, with or without its {@code view_changes} row): that is what shows whether
 * an answer came from memory. They put the row back, with its change row, before they end.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReadCacheIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem admin = OrderSystem.atTestPort();
    private String productId;
    private String orderId;
    private JsonObject placed;

    @BeforeEach
    void anOrder() {
        productId = admin.createProduct("Kept tea", "4.00");
        String userId = admin.registerUser("kept-" + UUID.randomUUID() + "@example.com");
        orderId = admin.placeOrder(userId, productId, 3);
        placed = admin.awaitOrder(orderId, 1);
    }

    @Test
    void aSecondReadIsServedFromMemoryAndARenameReachesTheKeptOrder() {
        JsonObject before = cache();
        assertTrue(before.getBoolean("enabled") && before.getBoolean("in_step"), "the cache serves: " + before);
        assertEquals(placed, admin.get("orders/" + orderId).json());
        assertEquals(placed, admin.get("orders/" + orderId).json());
        JsonObject after = cache();
        assertTrue(after.getJsonNumber("hits").longValue() > before.getJsonNumber("hits").longValue(),
                "a second read of an unchanged order is a hit: " + before + " -> " + after);

        OrderSystem.Answer renamed = admin.putJson("products/" + productId, "{\"name\":\"Renamed kept tea\"}");
        assertEquals(200, renamed.status(), renamed.body());
        // Far below the entries' age limit (cqrs.read-cache.max-age-seconds, 300): dropped by the projection.
        await("the rename in the kept order").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> admin.get("orders/" + orderId).json().getString("product_name"), "Renamed kept tea"::equals);
    }

    @Test
    void aChangeFoundInViewChangesDropsTheKeptRowAsAnotherInstancesProjectionWouldWriteIt() throws Exception {
        admin.get("orders/" + orderId);
        awaitKept();
        try (Connection read = TestDatabases.read()) {
            // Changed behind the application's back, without a change row: this instance keeps serving what it has.
            update(read, "UPDATE order_views SET product_name = 'Written elsewhere' WHERE order_id = ?::uuid");
            for (int i = 0; i < 5; i++) {
                assertEquals("Kept tea", admin.get("orders/" + orderId).json().getString("product_name"),
                        "the kept row is served from memory");
            }
            // The change row another instance's projection writes in its transaction: dropped within a look or two.
            Instant logged = Instant.now();
            update(read, "INSERT INTO view_changes (view_table, row_id) VALUES ('order_views', ?::uuid)");
            await("the change found in view_changes").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                    .until(() -> admin.get("orders/" + orderId).json().getString("product_name"), "Written elsewhere"::equals);
            assertTrue(Duration.between(logged, Instant.now()).toMillis() < 2000);
        } finally {
            restore();
        }
    }

    @Test
    void aQueryThatNamesAWriteReadsPastAnOlderKeptRowAndKeepsTheNewerOne() throws Exception {
        admin.get("orders/" + orderId);
        awaitKept();
        try (Connection read = TestDatabases.read()) {
            // Version 2 in read_db that this instance has not heard of (its change row not written yet).
            update(read, "UPDATE order_views SET quantity = 7, version = 2 WHERE order_id = ?::uuid");
            assertEquals(1, admin.get("orders/" + orderId).json().getInt("version"), "the kept row is served");
            OrderSystem.Answer asked = admin.get("orders/" + orderId + "?min_version=2");
            assertEquals(200, asked.status(), asked.body());
            assertEquals(2, asked.json().getInt("version"), "min_version=2 is not answered from the kept version 1");
            assertEquals(7, asked.json().getInt("quantity"));
            // What it read is kept (a higher version replaces a lower one): a plain read does not go back to 1.
            OrderSystem.Answer plain = admin.get("orders/" + orderId);
            assertEquals(2, plain.json().getInt("version"), "a plain read after it: " + plain.body());
        } finally {
            restore();
        }
    }

    @Test
    void aRebuildsSwapDropsEveryKeptRowOfItsTable() throws Exception {
        try (Connection read = TestDatabases.read()) {
            // A name the events do not hold, kept in memory (its change row dropped the old one).
            update(read, "UPDATE order_views SET product_name = 'Not in any event' WHERE order_id = ?::uuid");
            update(read, "INSERT INTO view_changes (view_table, row_id) VALUES ('order_views', ?::uuid)");
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                    .until(() -> admin.get("orders/" + orderId).json().getString("product_name"), "Not in any event"::equals);
            awaitKept();
            // The rebuild writes the row from the events again; its swap must drop what is kept.
            Instant started = Instant.now();
            OrderSystem.Answer rebuild = admin.postJson("admin/projections/order_views/rebuild", "");
            assertEquals(202, rebuild.status(), rebuild.body());
            await("the rebuild").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                JsonObject last = lastRebuild();
                return last != null && Instant.parse(last.getString("started_at")).isAfter(started.minusSeconds(1))
                        && !last.getString("state").equals("rebuilding");
            });
            assertEquals("done", lastRebuild().getString("state"));
            await("the rebuilt row").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                    .until(() -> admin.get("orders/" + orderId).json().getString("product_name"), "Kept tea"::equals);
        } finally {
            restore();
        }
    }

    @Test
    void anAdminTurnsTheCacheOffAndOnAgainOnThisInstance() throws Exception {
        admin.get("orders/" + orderId);
        awaitKept();
        OrderSystem.Answer unknown = admin.putJson("admin/read-cache", "{\"enabled\":\"no\"}");
        ProblemAssertions.assertProblem(unknown, 400, "invalid-input");
        assertEquals(java.util.List.of("enabled"), ProblemAssertions.fields(unknown));
        try (Connection read = TestDatabases.read()) {
            OrderSystem.Answer off = admin.putJson("admin/read-cache", "{\"enabled\":false}");
            assertEquals(200, off.status(), off.body());
            assertEquals(false, off.json().getBoolean("enabled"));
            assertEquals(0, off.json().getJsonNumber("rows").longValue(), "turned off, it keeps nothing: " + off.body());
            // Off: every read is read_db's, so a change without a change row shows at once.
            update(read, "UPDATE order_views SET product_name = 'Read from read_db' WHERE order_id = ?::uuid");
            long bypassed = cache().getJsonNumber("bypassed").longValue();
            assertEquals("Read from read_db", admin.get("orders/" + orderId).json().getString("product_name"));
            assertTrue(cache().getJsonNumber("bypassed").longValue() > bypassed);
        } finally {
            OrderSystem.Answer on = admin.putJson("admin/read-cache", "{\"enabled\":true}");
            assertEquals(200, on.status(), on.body());
            assertTrue(on.json().getBoolean("enabled"));
            restore();
        }
        awaitKept();
        assertEquals(placed, admin.get("orders/" + orderId).json(), "on again, it serves what read_db holds");
    }

    private JsonObject cache() {
        OrderSystem.Answer answer = admin.get("admin/read-cache");
        assertEquals(200, answer.status(), answer.body());
        return answer.json();
    }

    /** Until a read of the order is a hit: it is kept (a put may be refused while a change is dropped). */
    private void awaitKept() {
        await("the order kept in memory").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            long hits = cache().getJsonNumber("hits").longValue();
            admin.get("orders/" + orderId);
            return cache().getJsonNumber("hits").longValue() > hits;
        });
    }

    private JsonObject lastRebuild() {
        return jakarta.json.Json.createReader(new java.io.StringReader(admin.get("admin/projections").body())).readArray()
                .stream().map(jakarta.json.JsonValue::asJsonObject)
                .filter(p -> p.getString("name").equals("order_views")).findFirst().orElseThrow()
                .get("last_rebuild") instanceof JsonObject last ? last : null;
    }

    private void update(Connection read, String sql) throws SQLException {
        try (PreparedStatement statement = read.prepareStatement(sql)) {
            statement.setString(1, orderId);
            assertEquals(1, statement.executeUpdate(), sql);
        }
    }

    /** The row as the events made it, and its change row: other tests and the verifier find it as it was. */
    private void restore() throws SQLException {
        try (Connection read = TestDatabases.read();
             PreparedStatement statement = read.prepareStatement("""
                     UPDATE order_views SET product_name = ?, quantity = ?, version = ? WHERE order_id = ?::uuid""")) {
            statement.setString(1, placed.getString("product_name"));
            statement.setInt(2, placed.getInt("quantity"));
            statement.setInt(3, placed.getInt("version"));
            statement.setString(4, orderId);
            statement.executeUpdate();
            update(read, "INSERT INTO view_changes (view_table, row_id) VALUES ('order_views', ?::uuid)");
        }
    }
}
