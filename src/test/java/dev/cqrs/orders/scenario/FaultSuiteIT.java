package dev.cqrs.orders.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cqrs.orders.testsupport.AppProcess;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.TestServer;
import dev.cqrs.orders.testsupport.TestStack;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DESIGN.md's promises 1-4 and 6 under faults, on two application instances (separate processes,
 * sharing the broker and the databases, both consuming): load over HTTP while an instance is killed
 * with SIGKILL, the broker is killed and restarted, PostgreSQL crashes and recovers; then every
 * acknowledged command must be in the views exactly once, nothing refused may have left a trace, and
 * each order's view must equal its write-side state, version included. Also: outages answer 503 and
 * heal without a restart, and a poison event is retried, parked with the events behind it, and
 * replayed.
 *
 * <p>{@code -Dfault.unsafe.disable=transactional-publish|dedupe|ordering} starts the instances with
 * that mechanism turned off; the suite must then fail (docs/reliability.md has the runs).
 * Figures of each run go to target/fault-suite/report.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    private static final Path REPORT = Path.of("target/fault-suite/report.md");

    private static AppProcess first;
    private static AppProcess second;
    private static final Set<AppProcess> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final List<String> customers = new ArrayList<>();
    private static final List<String> products = new ArrayList<>();
    private static OrderSystem system;
    private static CommandLoad load;

    @BeforeAll
    static void startTwoInstancesAndReferenceData() throws Exception {
        int port = Integer.parseInt(System.getProperty("fault.http.port", "18081"));
        Map<String, String> properties = new HashMap<>(Map.of(
                "cqrs.projection.retry.first-delay-ms", "100",
                "cqrs.projection.retry.max-attempts", "5",
                "cqrs.projection.gap-repair-after-ms", "2000"));
        String unsafe = System.getProperty("fault.unsafe.disable", "");
        if (!unsafe.isBlank()) {
            properties.put("cqrs.unsafe.disable", unsafe);
        }
        first = new AppProcess("instance-1", port, properties);
        second = new AppProcess("instance-2", port + 1, properties);
        CompletableFuture<AppProcess> one = CompletableFuture.supplyAsync(first::start);
        CompletableFuture<AppProcess> two = CompletableFuture.supplyAsync(second::start);
        one.join();
        two.join();
        system = new OrderSystem(first.base());
        String run = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < 12; i++) {
            customers.add(system.registerUser("fault-" + run + "-" + i + "@example.com"));
        }
        for (int i = 0; i < 4; i++) {
            products.add(system.createProduct("Fault product " + run + "-" + i, (3 + i) + ".25"));
        }
        load = new CommandLoad(FaultSuiteIT::liveInstances, customers, products, 6, 100_000);
        report("\n## Run " + java.time.Instant.now() + " on " + TestServer.current().displayName()
                + (unsafe.isBlank() ? "" : " with cqrs.unsafe.disable=" + unsafe)
                + "\n\n| fault | acknowledged | in flight at the fault | unknown outcome (committed after all) "
                + "| lost | phantom | converged after |\n|---|---|---|---|---|---|---|");
    }

    @AfterAll
    static void stopInstances() {
        for (AppProcess app : new AppProcess[] {first, second}) {
            if (app != null) {
                app.stop();
            }
        }
    }

    private static List<URI> liveInstances() {
        List<URI> live = new ArrayList<>();
        for (AppProcess app : new AppProcess[] {first, second}) {
            if (!down.contains(app)) {
                live.add(app.base());
            }
        }
        return live;
    }

    @Test
    @Order(1)
    void poisonEventIsRetriedThenParkedWithTheEventsBehindItThenReplayed() throws Exception {
        String poisoned = system.placeOrder(customers.get(0), products.get(0), 2);
        String healthy = system.placeOrder(customers.get(1), products.get(0), 2);
        system.awaitOrder(poisoned, 1);
        system.awaitOrder(healthy, 1);
        // The fault: read_db refuses to show this one order as CONFIRMED (as a bug or a schema
        // drift would), so its projection of OrderStatusChanged #2 fails, every time.
        try (Connection read = TestDatabases.read(); Statement sql = read.createStatement()) {
            sql.execute("""
                    CREATE OR REPLACE FUNCTION fault_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'poisoned by the fault suite'; END $$""");
            sql.execute("CREATE TRIGGER fault_poison BEFORE UPDATE ON order_views FOR EACH ROW WHEN (NEW.order_id = '"
                    + poisoned + "' AND NEW.status = 'CONFIRMED') EXECUTE FUNCTION fault_poison()");
        }
        try {
            assertThat(system.transition(poisoned, "confirm").status()).isEqualTo(200);
            assertThat(system.transition(poisoned, "ship").status()).isEqualTo(200);
            assertThat(system.transition(healthy, "confirm").status()).isEqualTo(200);

            // Retried (5 attempts, growing delays), then dead; the ship event waits behind it.
            List<JsonObject> parked = Awaitility.await("the poison event is dead").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> deadLetters(poisoned), p -> p.size() == 2 && p.get(0).getString("state").equals("dead"));
            assertThat(parked.get(0).getInt("sequence")).isEqualTo(2);
            assertThat(parked.get(0).getString("event_type")).isEqualTo("OrderConfirmed");
            // 5 attempts; a sixth when both instances' retry jobs took the fifth at the same moment.
            assertThat(parked.get(0).getInt("attempts")).isBetween(5, 6);
            assertThat(parked.get(0).getString("error")).contains("poisoned by the fault suite");
            assertThat(parked.get(1).getInt("sequence")).isEqualTo(3);
            assertThat(parked.get(1).getString("state")).isEqualTo("waiting");
            // Other aggregates go on; the poisoned order's view stays where it was, in sequence.
            assertThat(system.awaitOrder(healthy, 2).getString("status")).isEqualTo("CONFIRMED");
            JsonObject stuck = system.get("orders/" + poisoned).json();
            assertThat(stuck.getInt("version")).isEqualTo(1);
            assertThat(stuck.getString("status")).isEqualTo("PENDING");

            // A replay before the cause is fixed fails again and keeps both parked.
            String id = parked.get(0).getString("id");
            OrderSystem.Answer early = system.request("POST", "admin/dead-letters/" + id + "/retry", null, null);
            ProblemAssertions.assertProblem(early, 409, "conflict");
            assertThat(deadLetters(poisoned)).hasSize(2);
        } finally {
            try (Connection read = TestDatabases.read(); Statement sql = read.createStatement()) {
                sql.execute("DROP TRIGGER IF EXISTS fault_poison ON order_views");
            }
        }
        String id = deadLetters(poisoned).get(0).getString("id");
        OrderSystem.Answer replay = system.request("POST", "admin/dead-letters/" + id + "/retry", null, null);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().getInt("replayed")).isEqualTo(2);
        assertThat(replay.json().getInt("still_parked")).isZero();
        JsonObject view = system.get("orders/" + poisoned).json();
        assertThat(view.getInt("version")).isEqualTo(3);
        assertThat(view.getString("status")).isEqualTo("SHIPPED");
        assertThat(deadLetters(poisoned)).isEmpty();
        ProblemAssertions.assertProblem(system.request("POST", "admin/dead-letters/" + id + "/retry", null, null), 404,
                "not-found");
    }

    @Test
    @Order(2)
    void aGapInAnOrdersEventsWaitsForTheMissingEvents() throws Exception {
        String order = system.placeOrder(customers.get(4), products.get(2), 1);
        assertThat(system.transition(order, "confirm").status()).isEqualTo(200);
        system.awaitOrder(order, 2);
        // Behind the application's back, the view forgets event #2, as if it had never arrived;
        // the next event, #3, then comes after a gap.
        try (Connection read = TestDatabases.read(); Statement sql = read.createStatement()) {
            sql.executeUpdate("UPDATE order_views SET version = 1, status = 'PENDING' WHERE order_id = '" + order + "'");
            // The sales projection keeps its own state of the order (at #2): when #2 comes again, it
            // ignores it, and the counters stay right without any help here.
        }
        assertThat(system.transition(order, "ship").status()).isEqualTo(200);
        List<JsonObject> waiting = Awaitility.await("event #3 waits for #2").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> deadLetters(order), p -> p.size() == 1);
        assertThat(waiting.get(0).getInt("sequence")).isEqualTo(3);
        assertThat(waiting.get(0).getString("state")).isEqualTo("waiting");
        assertThat(waiting.get(0).getString("error")).contains("#2");
        assertThat(system.get("orders/" + order).json().getInt("version")).isEqualTo(1);

        // #2 never comes (it was delivered once, long ago): after cqrs.projection.gap-repair-after-ms
        // the read side asks the event store for it again, applies it, then #3 after it.
        JsonObject view = system.awaitOrder(order, 3);
        assertThat(view.getString("status")).isEqualTo("SHIPPED");
        assertThat(deadLetters(order)).isEmpty();
    }

    @Test
    @Order(3)
    void outagesOfOneDatabaseAnswer503AndHealWithoutRestart() throws Exception {
        String known = system.placeOrder(customers.get(2), products.get(1), 1);
        system.awaitOrder(known, 1);

        TestStack.databaseDown("write_db");
        try {
            OrderSystem.Answer refused = system.postJson("orders", placeBody(3));
            assertUnavailable(refused);
            assertThat(system.get("orders/" + known).status()).isEqualTo(200);
        } finally {
            TestStack.databaseUp("write_db");
        }
        Awaitility.await("commands work again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> system.postJson("orders", placeBody(3)).status() == 201);

        TestStack.databaseDown("read_db");
        String placedMeanwhile;
        try {
            assertUnavailable(system.get("orders/" + known));
            placedMeanwhile = system.placeOrder(customers.get(3), products.get(1), 1);
            assertUnavailable(system.get("orders/" + placedMeanwhile));
        } finally {
            TestStack.databaseUp("read_db");
        }
        assertThat(system.awaitOrder(placedMeanwhile, 1).getString("status")).isEqualTo("PENDING");
    }

    @Test
    @Order(4)
    void instanceKilledWithSigkillUnderLoad() throws Exception {
        loadStarted = java.time.OffsetDateTime.now();
        startLoad(3);
        load.awaitAcknowledged(150, Duration.ofSeconds(120));
        int inFlight = load.inFlight.get();
        down.add(first);
        first.kill();
        load.awaitAcknowledged(100, Duration.ofSeconds(60));
        first.start();
        down.remove(first);
        load.awaitAcknowledged(100, Duration.ofSeconds(60));
        checkAfter("SIGKILL of one instance, restarted", inFlight);
    }

    @Test
    @Order(5)
    void brokerKilledAndRestartedUnderLoad() throws Exception {
        startLoad(4);
        load.awaitAcknowledged(150, Duration.ofSeconds(120));
        int inFlight = load.inFlight.get();
        TestStack.killBroker();
        // Commands keep succeeding while the broker is away: the outbox holds their events.
        load.awaitAcknowledged(100, Duration.ofSeconds(60));
        TestStack.startBroker();
        load.awaitAcknowledged(100, Duration.ofSeconds(60));
        checkAfter("Artemis killed (kill -9) and restarted", inFlight);
    }

    @Test
    @Order(6)
    void postgresCrashedAndRecoveredUnderLoad() throws Exception {
        startLoad(5);
        load.awaitAcknowledged(150, Duration.ofSeconds(120));
        int inFlight = load.inFlight.get();
        TestStack.crashPostgres();
        try {
            load.awaitFailures(10, Duration.ofSeconds(30));
        } finally {
            TestStack.startPostgres();
        }
        // No restart of the application: its pools find the database again.
        load.awaitAcknowledged(150, Duration.ofSeconds(90));
        checkAfter("PostgreSQL crashed (stop -m immediate) and recovered", inFlight);
    }

    @Test
    @Order(7)
    void republishedEventsAreNotAppliedTwice() throws Exception {
        // What a crash between the broker's acknowledgement and the outbox delete leaves behind,
        // for every order of this suite at once: its events sent again, after the views have
        // applied them all. All but each order's last: a stale copy that a projection without
        // dedupe would apply over newer state (a complete, in-order replay ends where it began).
        int again;
        try (Connection write = TestDatabases.write();
             PreparedStatement republish = write.prepareStatement("""
                     INSERT INTO outbox (aggregate_id, sequence, aggregate_type, created_at)
                     SELECT e.aggregate_id, e.sequence, e.aggregate_type, now() - interval '1 minute'
                     FROM events e JOIN orders o ON o.order_id = e.aggregate_id
                     WHERE o.user_id = ANY (?) AND e.sequence < o.version
                     ON CONFLICT DO NOTHING""")) {
            republish.setArray(1, write.createArrayOf("uuid", customers.stream().map(UUID::fromString).toArray()));
            again = republish.executeUpdate();
        }
        assertThat(again).isGreaterThan(200);
        ackedAtStart = load.acked.get();
        unknownAtStart = load.failedOrLost.get();
        Awaitility.await("the outbox is empty again").atMost(CONVERGENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> count(TestDatabases.write(), "SELECT count(*) FROM outbox") == 0);
        checkAfter("stale copies of every event of the suite but each order's last (" + again + ") published again", 0);
    }

    // ---- the checks -----------------------------------------------------------------------------

    /** Stops the load, settles unknown outcomes, waits for convergence and checks the ledger. */
    private void checkAfter(String fault, int inFlight) throws Exception {
        load.stop();
        int unknown = load.failedOrLost.get() - unknownAtStart;
        int committedBefore = load.replayedAsCommitted.get();
        load.resolveUnknown(Duration.ofSeconds(60));
        int committedAfterAll = load.replayedAsCommitted.get() - committedBefore;
        int acknowledged = load.acked.get() - ackedAtStart;
        long started = System.nanoTime();
        Map<String, String> differences;
        try {
            differences = Awaitility.await("read models converge after: " + fault).atMost(CONVERGENCE)
                    .pollInterval(Duration.ofMillis(250))
                    .until(FaultSuiteIT::differences, Map::isEmpty);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Map<String, String> left = differences();
            report("| " + fault + " | " + acknowledged + " | " + inFlight + " | " + unknown + " (" + committedAfterAll
                    + ") | **did not converge in " + CONVERGENCE.toSeconds() + " s: " + left.size()
                    + " difference(s)**, e.g. " + left.entrySet().stream().limit(2).map(Object::toString)
                    .collect(Collectors.joining("; ")) + " | | |");
            throw new AssertionError("no convergence after " + fault + ": " + left.size() + " difference(s): "
                    + left.entrySet().stream().limit(10).map(Object::toString).collect(Collectors.joining("\n")), e);
        }
        double converged = (System.nanoTime() - started) / 1e9;
        assertThat(differences).isEmpty();
        assertThat(load.violations).as("5xx answers other than 503 problem+json with Retry-After").isEmpty();

        Map<String, Integer> versions = writeVersions();
        // Not lost: every acknowledged order exists, with every acknowledged version.
        Set<String> lost = new TreeSet<>(load.ackedVersions.keySet());
        lost.removeAll(versions.keySet());
        // Not phantom: no order, and no order event, that was not acknowledged.
        Set<String> phantom = new TreeSet<>(versions.keySet());
        phantom.removeAll(load.ackedVersions.keySet());
        phantom.removeAll(ordersOutsideTheLoad());
        List<String> versionMismatches = new ArrayList<>();
        load.ackedVersions.forEach((order, acked) -> {
            Integer version = versions.get(order);
            if (version != null) {
                Set<Integer> expected = IntStream.rangeClosed(1, version).boxed().collect(Collectors.toSet());
                if (!acked.equals(expected)) {
                    versionMismatches.add(order + ": acknowledged " + new TreeSet<>(acked) + ", event store at " + version);
                }
            }
        });
        report("| " + fault + " | " + acknowledged + " | " + inFlight + " | " + unknown + " (" + committedAfterAll
                + ") | " + lost.size()
                + " | " + (phantom.size() + versionMismatches.size()) + " | " + String.format("%.1f s", converged) + " |");
        assertThat(lost).as("acknowledged orders missing").isEmpty();
        assertThat(phantom).as("orders nobody was told about").isEmpty();
        assertThat(versionMismatches).as("order events not acknowledged exactly once").isEmpty();
        assertThat(count(TestDatabases.write(), "SELECT count(*) FROM idempotency_keys WHERE idempotency_key = ANY (?)",
                (Object) load.refusedKeys.toArray(String[]::new))).as("traces of refused commands").isZero();
        // Every acknowledged order has the audit row of its placement: written in the command's transaction.
        assertThat(count(TestDatabases.write(), "SELECT count(DISTINCT aggregate_id) FROM audit_log WHERE status = 201 "
                + "AND outcome = 'accepted' AND aggregate_id = ANY (?)", (Object) load.ackedVersions.keySet().toArray(String[]::new)))
                .as("acknowledged orders without the audit row of their placement").isEqualTo(load.ackedVersions.size());
        checkSummaries();
        // And the application's own verifier agrees: every view equals the fold of the event store.
        for (String view : List.of("order_views", "product_views", "user_views", "user_summaries", "product_sales")) {
            Awaitility.await("the verifier finds " + view + " equal to the event store after: " + fault)
                    .atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> system.postJson("admin/projections/" + view + "/verify", "").json(),
                            report -> report.getInt("differences_total") == 0);
        }
    }

    /** Every difference between the write side's orders (of this suite) and their views, by order. */
    private static Map<String, String> differences() throws SQLException {
        String query = "SELECT order_id, user_id, product_id, quantity, status, version FROM %s WHERE user_id = ANY (?)";
        Map<String, String> written = rows(TestDatabases.write(), query.formatted("orders"));
        Map<String, String> shown = rows(TestDatabases.read(), query.formatted("order_views"));
        Map<String, String> differences = new HashMap<>();
        written.forEach((id, row) -> {
            if (!row.equals(shown.get(id))) {
                differences.put(id, "written " + row + ", shown " + shown.get(id));
            }
        });
        shown.keySet().stream().filter(id -> !written.containsKey(id))
                .forEach(id -> differences.put(id, "shown, never written: " + shown.get(id)));
        long outbox = count(TestDatabases.write(), "SELECT count(*) FROM outbox");
        if (outbox > 0) {
            differences.put("outbox", outbox + " event(s) not sent yet");
        }
        long parked = count(TestDatabases.read(), "SELECT count(*) FROM parked_events");
        if (parked > 0) {
            differences.put("parked_events", parked + " event(s) parked");
        }
        return differences;
    }

    private static Map<String, String> rows(Connection connection, String sql) throws SQLException {
        try (connection; PreparedStatement query = connection.prepareStatement(sql)) {
            query.setArray(1, connection.createArrayOf("uuid", customers.stream().map(UUID::fromString).toArray()));
            Map<String, String> rows = new HashMap<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2) + "/" + rs.getString(3) + "/q" + rs.getInt(4) + "/"
                            + rs.getString(5) + "/v" + rs.getInt(6));
                }
            }
            return rows;
        }
    }

    private static Map<String, Integer> writeVersions() throws SQLException {
        Map<String, Integer> versions = new HashMap<>();
        rows(TestDatabases.write(), "SELECT order_id, user_id, product_id, quantity, status, version FROM orders "
                + "WHERE user_id = ANY (?)").forEach((id, row) ->
                versions.put(id, Integer.parseInt(row.substring(row.lastIndexOf("/v") + 2))));
        return versions;
    }

    /** Orders this suite placed outside the load (poison and outage tests). */
    private static Set<String> ordersOutsideTheLoad() throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection write = TestDatabases.write();
             PreparedStatement query = write.prepareStatement(
                     "SELECT order_id FROM orders WHERE user_id = ANY (?) AND created_at < ?")) {
            query.setArray(1, write.createArrayOf("uuid", customers.stream().map(UUID::fromString).toArray()));
            query.setObject(2, loadStarted);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static java.time.OffsetDateTime loadStarted;
    private static int ackedAtStart;
    private static int unknownAtStart;

    /** Starts the load for one fault; the report counts from here. */
    private static void startLoad(long seed) {
        if (loadStarted == null) {
            loadStarted = java.time.OffsetDateTime.now();
        }
        ackedAtStart = load.acked.get();
        unknownAtStart = load.failedOrLost.get();
        load.start(seed);
    }

    /** Each customer's summary (counters folded or not) equals what its written orders add up to. */
    private static void checkSummaries() throws SQLException {
        String sql = """
                SELECT user_id, count(*) FILTER (WHERE status = 'PENDING'), count(*) FILTER (WHERE status = 'CONFIRMED'),
                       count(*) FILTER (WHERE status = 'SHIPPED'), count(*) FILTER (WHERE status = 'CANCELLED'),
                       coalesce(sum(quantity * unit_price) FILTER (WHERE status <> 'CANCELLED'), 0)
                FROM orders WHERE user_id = ANY (?) GROUP BY user_id""";
        try (Connection write = TestDatabases.write(); PreparedStatement query = write.prepareStatement(sql)) {
            query.setArray(1, write.createArrayOf("uuid", customers.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    JsonObject summary = system.get("users/" + rs.getString(1) + "/summary").json();
                    JsonObject byStatus = summary.getJsonObject("orders_by_status");
                    assertThat(List.of(byStatus.getInt("PENDING"), byStatus.getInt("CONFIRMED"),
                            byStatus.getInt("SHIPPED"), byStatus.getInt("CANCELLED")))
                            .as("summary of " + rs.getString(1))
                            .containsExactly(rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5));
                    assertThat(summary.getJsonNumber("total_spent").bigDecimalValue())
                            .as(() -> "total_spent of " + rs0(rs) + "; the views add up to " + viewsSpent(rs0(rs)))
                            .isEqualByComparingTo(rs.getBigDecimal(6));
                }
            }
        }
    }

    private static String rs0(ResultSet rs) {
        try {
            return rs.getString(1);
        } catch (SQLException e) {
            return "?";
        }
    }

    /** What the customer's views add up to, and any view whose total is not its quantity times its unit price. */
    private static String viewsSpent(String customer) {
        try (Connection read = TestDatabases.read(); PreparedStatement query = read.prepareStatement("""
                SELECT coalesce(sum(total_price) FILTER (WHERE status <> 'CANCELLED'), 0),
                       string_agg(order_id || ': ' || quantity || ' x ' || unit_price || ' = ' || total_price, ', ')
                           FILTER (WHERE total_price <> quantity * unit_price)
                FROM order_views WHERE user_id = ?::uuid""")) {
            query.setString(1, customer);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1) + " (views whose total is off: " + rs.getString(2) + ")";
            }
        } catch (SQLException e) {
            return "? (" + e + ")";
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static List<JsonObject> deadLetters(String aggregateId) {
        OrderSystem.Answer answer = system.get("admin/dead-letters");
        assertThat(answer.status()).isEqualTo(200);
        return answer.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
                .filter(item -> item.getString("aggregate_id").equals(aggregateId)).toList();
    }

    private static void assertUnavailable(OrderSystem.Answer answer) {
        ProblemAssertions.assertProblem(answer, 503, "unavailable");
        assertThat(answer.header("Retry-After")).isPresent();
    }

    private static String placeBody(int customer) {
        return """
                {"user_id":"%s","product_id":"%s","quantity":1}""".formatted(customers.get(customer), products.get(1));
    }

    private static long count(Connection connection, String sql, Object... parameters) throws SQLException {
        try (connection) {
            if (parameters.length == 1 && parameters[0] instanceof String[] keys) {
                try (PreparedStatement query = connection.prepareStatement(sql)) {
                    query.setArray(1, connection.createArrayOf("varchar", keys));
                    try (ResultSet rs = query.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            }
            return TestDatabases.count(connection, sql, parameters);
        }
    }

    private static void report(String line) throws IOException {
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
