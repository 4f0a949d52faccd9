package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.readmodel.OrderEventsListener;
import dev.cqrs.orders.readmodel.ProjectionRebuilds;
import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.TestStack;
import jakarta.ejb.MessageDriven;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 6 over HTTP against the real stack: the global position, rebuilds under load, the
 * verifier, and the write model against the fold of its events.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProjectionsIT {

    private static final List<String> VIEWS = List.of("order_views", "product_views", "user_views", "user_summaries",
            "product_sales");

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    // --- the global position -------------------------------------------------------------------

    private static final String PROBE = """
            INSERT INTO events (aggregate_id, sequence, event_id, aggregate_type, type, occurred_at, command_id,
                                principal, schema_version, data)
            VALUES (?, ?, ?, 'probe', 'ProbeRecorded', clock_timestamp(), gen_random_uuid(), 'test', 1, '{}')""";

    private static void probe(Connection connection, UUID aggregate, int sequence, UUID eventId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(PROBE)) {
            insert.setObject(1, aggregate);
            insert.setInt(2, sequence);
            insert.setObject(3, eventId);
            insert.executeUpdate();
        }
    }

    private long head() {
        return system.get("admin/events?limit=1&after=0").json().getJsonNumber("head").longValue();
    }

    /** Follows GET /admin/events from {@code after}; answers event ids in position order, with positions. */
    private long follow(long after, List<JsonObject> into) {
        JsonObject page = system.get("admin/events?limit=500&after=" + after).json();
        for (JsonValue item : page.getJsonArray("items")) {
            into.add(item.asJsonObject());
        }
        return page.getJsonNumber("next_after").longValue();
    }

    @Test
    void anEventCommittedLateIsNumberedAfterTheOnesBeforeIt() throws Exception {
        long start = head();
        UUID slow = UUID.randomUUID();
        UUID fast = UUID.randomUUID();
        try (Connection a = TestDatabases.write(); Connection b = TestDatabases.write()) {
            a.setAutoCommit(false);
            probe(a, UUID.randomUUID(), 1, slow);
            // b begins after a and commits first.
            probe(b, UUID.randomUUID(), 1, fast);
            List<JsonObject> seen = new ArrayList<>();
            long[] cursor = {start};
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                cursor[0] = follow(cursor[0], seen);
                return ids(seen).contains(fast.toString());
            });
            assertTrue(!ids(seen).contains(slow.toString()), "an uncommitted event was followed");
            a.commit();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                cursor[0] = follow(cursor[0], seen);
                return ids(seen).contains(slow.toString());
            });
            List<String> order = ids(seen);
            assertTrue(order.indexOf(fast.toString()) < order.indexOf(slow.toString()), order.toString());
        }
    }

    @Test
    void followingThePositionUnderConcurrentCommitsMissesNoneAndRepeatsNone() throws Exception {
        long start = head();
        Set<String> committed = ConcurrentHashMap.newKeySet();
        Set<String> rolledBack = ConcurrentHashMap.newKeySet();
        Map<String, UUID> aggregateOf = new ConcurrentHashMap<>();
        ExecutorService writers = Executors.newFixedThreadPool(6);
        ExecutorService following = Executors.newSingleThreadExecutor();
        AtomicBoolean done = new AtomicBoolean();
        List<JsonObject> seen = Collections.synchronizedList(new ArrayList<>());
        long[] cursor = {start};
        Future<?> follower = following.submit(() -> {
            while (!done.get()) {
                cursor[0] = follow(cursor[0], seen);
            }
            return null;
        });
        following.shutdown();
        List<Future<?>> writing = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            writing.add(writers.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try (Connection connection = TestDatabases.write()) {
                    connection.setAutoCommit(false);
                    for (int t = 0; t < 40; t++) {
                        UUID aggregate = UUID.randomUUID();
                        List<String> ids = new ArrayList<>();
                        int events = 1 + random.nextInt(3);
                        for (int s = 1; s <= events; s++) {
                            UUID id = UUID.randomUUID();
                            probe(connection, aggregate, s, id);
                            ids.add(id.toString());
                            aggregateOf.put(id.toString(), aggregate);
                        }
                        // Transactions stay open for different times, so they commit out of order.
                        Thread.sleep(random.nextInt(25));
                        if (random.nextInt(10) == 0) {
                            connection.rollback();
                            rolledBack.addAll(ids);
                        } else {
                            connection.commit();
                            committed.addAll(ids);
                        }
                    }
                }
                return null;
            }));
        }
        writers.shutdown();
        assertTrue(writers.awaitTermination(2, TimeUnit.MINUTES), "the writers finished within 2 minutes");
        assertAllSucceeded("a writer", writing);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> follower.isDone() || new HashSet<>(ids(seen)).containsAll(committed));
        } finally {
            done.set(true);
        }
        assertAllSucceeded("the follower", List.of(follower));
        cursor[0] = follow(cursor[0], seen);

        List<String> followed = ids(seen);
        assertTrue(new HashSet<>(followed).containsAll(committed), "every committed probe was followed");
        assertEquals(new HashSet<>(followed).size(), followed.size(), "an event was followed twice");
        List<String> probes = new ArrayList<>(followed);
        probes.retainAll(aggregateOf.keySet());
        assertEquals(committed, new HashSet<>(probes), "followed probes = committed probes");
        for (String id : rolledBack) {
            assertTrue(!followed.contains(id), "a rolled-back event was followed");
        }
        long previous = start;
        Map<UUID, Integer> lastSequence = new HashMap<>();
        for (JsonObject item : seen) {
            long position = item.getJsonNumber("position").longValue();
            assertEquals(previous + 1, position, "positions are dense");
            previous = position;
            JsonObject event = item.getJsonObject("event");
            UUID aggregate = UUID.fromString(event.getString("aggregate_id"));
            int sequence = event.getInt("sequence");
            assertEquals(lastSequence.getOrDefault(aggregate, 0) + 1, sequence, "per-aggregate order along positions");
            lastSequence.put(aggregate, sequence);
        }
    }

    /** Reads every worker's outcome: one that threw fails the test with its exception. */
    private static void assertAllSucceeded(String what, List<? extends Future<?>> workers) throws Exception {
        for (Future<?> worker : workers) {
            try {
                worker.get(1, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static List<String> ids(List<JsonObject> items) {
        List<String> ids = new ArrayList<>();
        synchronized (items) {
            for (JsonObject item : items) {
                ids.add(item.getJsonObject("event").getString("event_id"));
            }
        }
        return ids;
    }

    // --- rebuild, verifier ---------------------------------------------------------------------

    private JsonArray projections() {
        OrderSystem.Answer answer = system.get("admin/projections");
        assertEquals(200, answer.status(), answer.body());
        try (JsonReader reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readArray();
        }
    }

    private JsonObject projection(String name) {
        return projections().stream().map(JsonValue::asJsonObject)
                .filter(p -> p.getString("name").equals(name)).findFirst().orElseThrow();
    }

    private JsonObject verify(String name) {
        OrderSystem.Answer answer = system.postJson("admin/projections/" + name + "/verify", "");
        assertEquals(200, answer.status(), answer.body());
        return answer.json();
    }

    private void awaitCaughtUp() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> projection("order_views").getJsonNumber("lag_events").longValue() == 0);
    }

    /** Waits for the rebuild of {@code name} started after {@code after} to end; it must be done. Answers it. */
    private JsonObject awaitRebuilt(String name, Instant after) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonObject view = projection(name);
            JsonObject last = view.getJsonObject("last_rebuild");
            return last != null && Instant.parse(last.getString("started_at")).isAfter(after.minusSeconds(1))
                    && !last.getString("state").equals("rebuilding");
        });
        JsonObject last = projection(name).getJsonObject("last_rebuild");
        assertEquals("done", last.getString("state"), name + ": the rebuild's state " + last);
        assertEquals("live", projection(name).getString("state"), name + ": the view's state after its rebuild");
        return last;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Runs {@code during} holding the lock that live projections hold while they apply an event: a
     * rebuild started meanwhile cannot take it exclusively to swap its tables in, so cannot end.
     */
    private static void keepingRebuildsFromSwapping(Step during) throws Exception {
        try (Connection read = TestDatabases.read()) {
            read.setAutoCommit(false);
            read.createStatement().execute("SELECT " + ProjectionRebuilds.SHARED_LOCK);
            try {
                during.run();
            } finally {
                read.rollback();
            }
        }
    }

    /** The ids the test made: products, users and orders the load works on. */
    private record Subjects(List<String> products, List<String> users, List<String> orders) {
    }

    @Test
    void everyViewRebuildsUnderLoadAndEndsEqualToWhatTheClientsWereTold() throws Exception {
        AnswerLedger ledger = new AnswerLedger();
        Subjects subjects = new Subjects(new ArrayList<>(), new ArrayList<>(), new CopyOnWriteArrayList<>());
        for (int i = 0; i < 4; i++) {
            subjects.products().add(ledger.addProduct(system, "Rebuild product " + i, new BigDecimal("3." + (10 + i))));
        }
        for (int i = 0; i < 20; i++) {
            subjects.users().add(ledger.registerUser(system, "rebuild-" + UUID.randomUUID() + "@example.com"));
        }
        for (int i = 0; i < 300; i++) {
            subjects.orders().add(ledger.placedOrder(system, subjects.users().get(i % 20), subjects.products().get(i % 4), 1 + i % 5));
        }
        awaitCaughtUp();
        // Queries read orders whose views exist: those placed and projected before the load (one
        // placed during it may not be projected yet, above all while a rebuild holds the live
        // projections, and its 404 would be eventual consistency, not a failure).
        Subjects projected = new Subjects(subjects.products(), subjects.users(), List.copyOf(subjects.orders()));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger queries = new AtomicInteger();
        List<String> failedQueries = Collections.synchronizedList(new ArrayList<>());
        ExecutorService load = Executors.newFixedThreadPool(6);
        List<Future<?>> workers = new ArrayList<>();
        for (int q = 0; q < 3; q++) {
            workers.add(load.submit(() -> {
                while (!stop.get()) {
                    String path = randomQuery(projected, ThreadLocalRandom.current());
                    OrderSystem.Answer answer = system.get(path);
                    queries.incrementAndGet();
                    if (answer.status() != 200) {
                        failedQueries.add("GET " + path + " -> " + answer.status() + " " + answer.body());
                    }
                }
                return null;
            }));
        }
        for (int c = 0; c < 3; c++) {
            workers.add(load.submit(() -> {
                while (!stop.get()) {
                    randomCommand(ledger, subjects, ThreadLocalRandom.current());
                }
                return null;
            }));
        }
        try {
            for (String view : VIEWS) {
                rebuildUnderLoad(view, ledger);
            }
            // The live projections go on under load after the last swap.
            awaitAcknowledgedSince(Instant.now(), ledger, 50, "after the last rebuild");
        } finally {
            stop.set(true);
            load.shutdown();
        }
        assertTrue(load.awaitTermination(1, TimeUnit.MINUTES), "the load stopped within a minute");
        // A worker that threw (a lost connection, an unreadable answer) fails the test here.
        assertAllSucceeded("a load worker", workers);
        assertTrue(queries.get() > 100, "queries ran during the rebuilds: " + queries.get());
        assertEquals(List.of(), failedQueries, "queries not answered 200 during the rebuilds");
        assertEquals(List.of(), ledger.serverErrors(), "commands answered neither 2xx nor 4xx (a 5xx) during the rebuilds");
        // No If-Match, fresh e-mails and ids the test made: the only refusal this load can meet is a
        // transition the order's state forbids by the time its turn comes (shipping a cancelled one).
        assertTrue(Set.of("409 invalid-transition").containsAll(ledger.refusals().keySet()),
                "refusals other than 409 invalid-transition: " + ledger.refusals());
        OrderModel told = ledger.fold();
        int judged = ledger.assertRefusalsJustified(told);
        System.out.println("ProjectionsIT: " + ledger.acknowledged() + " commands acknowledged, refused " + ledger.refusals()
                + " (" + judged + " checked against the fold), " + queries.get() + " queries");

        awaitCaughtUp();
        for (String view : VIEWS) {
            JsonObject report = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> verify(view), r -> r.getInt("differences_total") == 0);
            assertTrue(report.getInt("rows_checked") > 0, view + ": rows the verifier checked: " + report);
        }
        told.assertViewsEqual(system, "the views after rebuilds under load against the acknowledged commands");
        writeEntitiesEqualTheFoldOfTheirEvents();
    }

    /**
     * Rebuilds {@code view} while the load goes on; the rebuild is kept from swapping its tables in
     * until 25 commands sent after its 202 have been acknowledged. Then the rebuild's own start and end,
     * as {@code GET /admin/projections} reports them, must enclose those commands.
     */
    private void rebuildUnderLoad(String view, AnswerLedger ledger) throws Exception {
        Instant asked = Instant.now();
        keepingRebuildsFromSwapping(() -> {
            OrderSystem.Answer accepted = system.postJson("admin/projections/" + view + "/rebuild", "");
            assertEquals(202, accepted.status(), view + ": the rebuild's request: " + accepted.body());
            awaitAcknowledgedSince(Instant.now(), ledger, 25, "while " + view + " rebuilds");
        });
        JsonObject last = awaitRebuilt(view, asked);
        Instant started = Instant.parse(last.getString("started_at"));
        Instant finished = Instant.parse(last.getString("finished_at"));
        long during = ledger.acknowledgedWithin(started, finished);
        assertTrue(during >= 25, view + ": commands sent after the rebuild started (" + started + ") and acknowledged before"
                + " it ended (" + finished + "): " + during);
    }

    /** Waits until {@code count} commands sent after {@code since} have been acknowledged. */
    private static void awaitAcknowledgedSince(Instant since, AnswerLedger ledger, int count, String when) {
        await(count + " commands acknowledged " + when).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> ledger.acknowledgedWithin(since, Instant.MAX) >= count);
    }

    private static String randomQuery(Subjects subjects, ThreadLocalRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> "orders?user_id=" + pick(subjects.users(), random);
            case 1 -> "users/" + pick(subjects.users(), random) + "/summary";
            case 2 -> "products/" + pick(subjects.products(), random);
            default -> "orders/" + pick(subjects.orders(), random);
        };
    }

    /** One command of the load, booked in {@code ledger}: renames, e-mail changes, placements, order changes. */
    private void randomCommand(AnswerLedger ledger, Subjects subjects, ThreadLocalRandom random) {
        int what = random.nextInt(20);
        if (what == 0) {
            ledger.renameProduct(system, pick(subjects.products(), random), "Renamed " + UUID.randomUUID(), null);
        } else if (what == 1) {
            ledger.changeEmail(system, pick(subjects.users(), random), "moved-" + UUID.randomUUID() + "@example.com", null);
        } else if (what < 10) {
            OrderSystem.Answer placed = ledger.placeOrder(system, pick(subjects.users(), random),
                    pick(subjects.products(), random), 1 + random.nextInt(5));
            if (placed.status() == 201) {
                subjects.orders().add(placed.json().getString("order_id"));
            }
        } else {
            OrderModel.OrderAction action = what < 14 ? OrderModel.OrderAction.QUANTITY : what < 17 ? OrderModel.OrderAction.CONFIRM
                    : what < 19 ? OrderModel.OrderAction.SHIP : OrderModel.OrderAction.CANCEL;
            ledger.changeOrder(system, pick(subjects.orders(), random), action, 1 + random.nextInt(9), null);
        }
    }

    private static String pick(List<String> from, ThreadLocalRandom random) {
        return from.get(random.nextInt(from.size()));
    }

    @Test
    void theVerifierReportsRowsChangedBehindTheAppsBackAndARebuildRepairsThem() throws Exception {
        long before = head();
        String product = system.createProduct("Verifier tea", "2.00");
        String user = system.registerUser("verifier-" + UUID.randomUUID() + "@example.com");
        String changed = system.placeOrder(user, product, 2);
        String deleted = system.placeOrder(user, product, 3);
        system.awaitOrder(deleted, 1);
        system.awaitOrder(changed, 1);
        // The verifier calls a row missing only once the views' position has passed its events:
        // wait until the four events are numbered and the position is past them.
        long numbered = await().atMost(Duration.ofSeconds(20)).until(this::head, h -> h >= before + 4);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> projection("order_views").getJsonNumber("position").longValue() >= numbered);
        try (Connection read = TestDatabases.read()) {
            read.createStatement().executeUpdate("UPDATE order_views SET quantity = quantity + 7 WHERE order_id = '" + changed + "'");
            read.createStatement().executeUpdate("DELETE FROM order_views WHERE order_id = '" + deleted + "'");
            // The counters are the sales projection's own (it does not read order_views): corrupted apart.
            read.createStatement().executeUpdate("INSERT INTO user_summaries_deltas (user_id, pending, confirmed, shipped,"
                    + " cancelled, total_spent) VALUES ('" + user + "', 5, 0, 0, 0, 0)");
        }
        JsonObject report = verify("order_views");
        Map<String, JsonObject> byId = new HashMap<>();
        report.getJsonArray("differences").forEach(d -> byId.put(d.asJsonObject().getString("id"), d.asJsonObject()));
        assertTrue(byId.containsKey(changed) && byId.containsKey(deleted), report.toString());
        assertEquals("different", byId.get(changed).getString("kind"), report.toString());
        JsonObject quantity = byId.get(changed).getJsonObject("fields").getJsonObject("quantity");
        assertEquals("9", quantity.getString("view"));
        assertEquals("2", quantity.getString("expected"));
        assertEquals("missing", byId.get(deleted).getString("kind"), report.toString());
        JsonObject counters = verify("user_summaries");
        assertEquals(1, counters.getInt("differences_total"), counters.toString());
        assertEquals(user, counters.getJsonArray("differences").getJsonObject(0).getString("id"), counters.toString());
        assertEquals("different", counters.getJsonArray("differences").getJsonObject(0).getString("kind"));

        Instant started = Instant.now();
        assertEquals(202, system.postJson("admin/projections/order_views/rebuild", "").status());
        awaitRebuilt("order_views", started);
        assertEquals(0, verify("order_views").getInt("differences_total"));
        assertEquals(2, system.awaitOrder(changed, 1).getInt("quantity"));
        assertEquals(3, system.awaitOrder(deleted, 1).getInt("quantity"));
        assertEquals(1, verify("user_summaries").getInt("differences_total"), "order_views' rebuild leaves the counters");
        started = Instant.now();
        assertEquals(202, system.postJson("admin/projections/user_summaries/rebuild", "").status());
        awaitRebuilt("user_summaries", started);
        assertEquals(0, verify("user_summaries").getInt("differences_total"));
        assertEquals(0, verify("product_sales").getInt("differences_total"));
    }

    /**
     * Read your own writes across a rebuild (issue 18). Writes made while order_views is rebuilt, and
     * a read with a token that waits while the rebuild holds the live projections for its swap (the
     * swap's exclusive lock queues them): the read is answered once the swap is done and the event
     * applied, and every token is honoured by the swapped-in table.
     */
    @Test
    void readsWithATokenSeeTheirWritesAcrossARebuildSwap() throws Exception {
        String product = system.createProduct("Swap tea", "2.00");
        String user = system.registerUser("swap-" + UUID.randomUUID() + "@example.com");
        OrderSystem.Answer first = system.postJson("orders", """
                {"user_id":"%s","product_id":"%s","quantity":1}""".formatted(user, product));
        String firstOrder = first.created("order_id");
        assertEquals(1, readWithToken("orders/" + firstOrder, first).getInt("quantity"));
        Instant started = Instant.now();
        List<OrderSystem.Answer> during = new ArrayList<>();
        List<CompletableFuture<OrderSystem.Answer>> waiting = new ArrayList<>();
        keepingRebuildsFromSwapping(() -> {
            assertEquals(202, system.postJson("admin/projections/order_views/rebuild", "").status());
            during.add(system.putJson("orders/" + firstOrder, "{\"quantity\":5}"));
            during.add(system.postJson("orders", """
                    {"user_id":"%s","product_id":"%s","quantity":7}""".formatted(user, product)));
            String token = during.get(1).header("Consistency-Token").orElseThrow();
            waiting.add(CompletableFuture.supplyAsync(() -> system.request("GET", "orders/" + during.get(1).created("order_id"),
                    null, null, "Consistency-Token", token, "Prefer", "wait=30")));
        });
        OrderSystem.Answer waited = waiting.get(0).join();
        assertEquals(200, waited.status(), waited.body());
        assertEquals(7, waited.json().getInt("quantity"));
        awaitRebuilt("order_views", started);
        assertEquals(5, readWithToken("orders/" + firstOrder, during.get(0)).getInt("quantity"));
        assertEquals(7, readWithToken("orders/" + during.get(1).created("order_id"), during.get(1)).getInt("quantity"));
        OrderSystem.Answer after = system.postJson("orders", """
                {"user_id":"%s","product_id":"%s","quantity":9}""".formatted(user, product));
        assertEquals(9, readWithToken("orders/" + after.created("order_id"), after).getInt("quantity"));
    }

    private JsonObject readWithToken(String path, OrderSystem.Answer command) {
        String token = command.header("Consistency-Token").orElseThrow(() -> new AssertionError(command.body()));
        OrderSystem.Answer read = system.request("GET", path, null, null, "Consistency-Token", token);
        assertEquals(200, read.status(), read.body());
        return read.json();
    }

    @Test
    void unknownViewsAreA404AndAConcurrentRebuildA409() throws Exception {
        assertEquals(404, system.postJson("admin/projections/no_such_view/rebuild", "").status());
        assertEquals(404, system.postJson("admin/projections/no_such_view/verify", "").status());
        JsonArray views = projections();
        assertEquals(VIEWS, views.stream().map(v -> v.asJsonObject().getString("name")).toList());
        for (JsonValue view : views) {
            for (String field : List.of("state", "progress", "events_per_second", "position", "lag_events", "lag_seconds")) {
                assertTrue(view.asJsonObject().containsKey(field), field + " in " + view);
            }
        }
        Instant started = Instant.now();
        keepingRebuildsFromSwapping(() -> {
            OrderSystem.Answer first = system.postJson("admin/projections/product_views/rebuild", "");
            assertEquals(202, first.status(), "the first rebuild's request: " + first.body());
            // The first cannot have ended: it waits for the lock to swap its tables in.
            assertProblem(system.postJson("admin/projections/product_views/rebuild", ""), 409, "conflict");
        });
        awaitRebuilt("product_views", started);
    }

    // --- deliveries applied together ------------------------------------------------------------

    /**
     * Deliveries that arrive together, or while every transaction lane of the read side is busy,
     * share one read_db transaction, and each reaches its view. The test holds, exclusive, the lock
     * every projection transaction takes shared (a rebuild's swap takes it so), places orders, waits
     * until two deliveries more than there are lanes are in the intake (in the blocked transactions
     * or queued behind them), and lets go. However they split, one transaction then holds two: a
     * blocked one took several that arrived at once, or every lane holds one and two or more are
     * queued, which the next free lane takes together. (Waiting for two queued alone was wrong: a
     * burst of deliveries can all go into the first lanes' transactions and leave none queued.)
     * Each consumer session of the order events brings one delivery into the intake while the
     * others of its aggregates wait in its buffer, so the test first waits until the broker has all
     * of them: after a broker restart (an earlier test's) they come back one by one, and orders
     * placed before then are all bound to the few that are back (CI on WildFly: 5 of 8).
     */
    @Test
    void deliveriesThatArriveWhileTheReadSideIsBusyShareATransactionAndEachReachesItsView() throws Exception {
        String product = system.createProduct("Batch tea", "3.00");
        String user = system.registerUser("batch-" + UUID.randomUUID() + "@example.com");
        system.awaitView("users/" + user, view -> true);
        awaitCaughtUp();
        int sessions = Integer.parseInt(Arrays.stream(OrderEventsListener.class.getAnnotation(MessageDriven.class)
                .activationConfig()).filter(property -> property.propertyName().equals("maxSession"))
                .findFirst().orElseThrow().propertyValue());
        await("the broker has every consumer session of the order events").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> TestStack.consumers("order_views.orders"), consumers -> consumers == sessions);
        JsonObject before = deliveries();
        List<String> orders = new ArrayList<>();
        try (Connection read = TestDatabases.read()) {
            read.setAutoCommit(false);
            try (PreparedStatement lock = read.prepareStatement("SELECT pg_advisory_xact_lock(1, 1)")) {
                lock.executeQuery().close();
            }
            for (int quantity = 1; quantity <= 12; quantity++) {
                orders.add(system.placeOrder(user, product, quantity));
            }
            await("deliveries in the blocked transactions or queued behind them").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        JsonObject now = deliveries();
                        long inIntake = now.getJsonNumber("applying").longValue() + now.getJsonNumber("queued").longValue();
                        assertTrue(inIntake >= now.getJsonNumber("lanes").longValue() + 2, now.toString());
                    });
            read.rollback();
        }
        for (int i = 0; i < orders.size(); i++) {
            int quantity = i + 1;
            system.awaitView("orders/" + orders.get(i), view -> view.getInt("quantity") == quantity
                    && view.getJsonNumber("total_price").bigDecimalValue().compareTo(new BigDecimal("3.00").multiply(
                            BigDecimal.valueOf(quantity))) == 0);
        }
        JsonObject after = deliveries();
        long applied = count(after, before, "applied");
        long transactions = count(after, before, "transactions");
        assertTrue(after.getJsonNumber("largest_transaction").longValue() >= 2, "a transaction of several: " + after);
        assertTrue(applied >= orders.size() && transactions < applied,
                applied + " deliveries applied in " + transactions + " transactions: " + before + " -> " + after);
        assertEquals(0, count(after, before, "failed"), after.toString());
    }

    private JsonObject deliveries() {
        OrderSystem.Answer answer = system.get("admin/projections/deliveries");
        assertEquals(200, answer.status(), answer.body());
        return answer.json();
    }

    private static long count(JsonObject after, JsonObject before, String name) {
        return after.getJsonNumber(name).longValue() - before.getJsonNumber(name).longValue();
    }

    // --- lag, readiness, the read-only role ----------------------------------------------------

    @Test
    void aBacklogShowsAsLagButKeepsTheServiceReady() {
        String product = system.createProduct("Backlog tea", "2.00");
        String user = system.registerUser("backlog-" + UUID.randomUUID() + "@example.com");
        system.awaitView("users/" + user, view -> true);
        awaitCaughtUp();
        TestStack.killBroker();
        try {
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                orders.add(system.placeOrder(user, product, 1));
            }
            JsonObject lagging = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(this::lagCheck, ProjectionsIT::lagging);
            assertEquals("UP", lagging.getString("status"), lagging.toString());
            assertTrue(Long.parseLong(lagging.getJsonObject("data").get("lag_events").toString().replace("\"", "")) >= 5,
                    lagging.toString());
            OrderSystem.Answer ready = system.readiness();
            assertEquals(200, ready.status(), ready.body());
            // The age of the oldest missing event only grows while the broker is away.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> projection("order_views").getJsonNumber("lag_seconds").doubleValue() > 2
                            && projection("order_views").getJsonNumber("lag_events").longValue() >= 5);
        } finally {
            TestStack.startBroker();
        }
        awaitCaughtUp();
        assertFalse(lagging(lagCheck()));
    }

    /** The check's {@code lagging} (Payara writes health data booleans as JSON booleans or strings). */
    private static boolean lagging(JsonObject check) {
        JsonValue value = check.getJsonObject("data").get("lagging");
        return value == JsonValue.TRUE
                || value instanceof jakarta.json.JsonString text && text.getString().equals("true");
    }

    private JsonObject lagCheck() {
        JsonObject health = system.readiness().json();
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(check -> check.getString("name").equals("projection-lag")).findFirst().orElseThrow();
    }

    @Test
    void theEventStoresReadOnlyRoleReadsTheEventStoreAndNothingElse() throws SQLException {
        String database = TestDatabases.env("CQRS_WRITE_DB");
        String role = TestDatabases.env("CQRS_EVENTS_USER");
        String password = TestDatabases.env("CQRS_EVENTS_PASSWORD");
        try (Connection events = TestDatabases.connect("WRITE", database, role, password);
             Connection write = TestDatabases.write()) {
            write.setAutoCommit(false);
            events.setAutoCommit(false);
            write.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            String snapshot = (String) TestDatabases.value(write, "SELECT pg_export_snapshot()");
            events.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            events.createStatement().execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            for (String table : List.of("events", "event_log", "event_sequencer")) {
                assertEquals(TestDatabases.count(write, "SELECT count(*) FROM " + table),
                        TestDatabases.count(events, "SELECT count(*) FROM " + table), table + " as both roles see it");
            }
            events.rollback();
            write.rollback();
            events.setAutoCommit(true);
            for (String forbidden : List.of("SELECT count(*) FROM orders", "SELECT count(*) FROM outbox",
                    "DELETE FROM event_log", "UPDATE event_sequencer SET position = 0")) {
                SQLException e = assertThrows(SQLException.class, () -> TestDatabases.count(events, forbidden));
                assertEquals("42501", e.getSQLState(), forbidden);
            }
            SQLException e = assertThrows(SQLException.class, () -> {
                try (PreparedStatement insert = events.prepareStatement(PROBE)) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setInt(2, 1);
                    insert.setObject(3, UUID.randomUUID());
                    insert.executeUpdate();
                }
            });
            assertEquals("42501", e.getSQLState());
        }
        SQLException e = assertThrows(SQLException.class, () -> TestDatabases.connect("READ",
                TestDatabases.env("CQRS_READ_DB"), role, password).close());
        assertEquals("42501", e.getSQLState());
    }

    // --- the write model against its events ----------------------------------------------------

    /** Every order, product and customer row of write_db equals the fold of its events. */
    private static void writeEntitiesEqualTheFoldOfTheirEvents() throws SQLException {
        Map<UUID, Map<String, Object>> folded = new HashMap<>();
        try (Connection write = TestDatabases.write()) {
            write.setAutoCommit(false);
            write.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try (ResultSet rs = write.createStatement().executeQuery("""
                    SELECT aggregate_id, sequence, type, data::text FROM events
                    WHERE aggregate_type IN ('order', 'product', 'customer') ORDER BY aggregate_id, sequence""")) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Map<String, Object> state = folded.computeIfAbsent(id, k -> new HashMap<>());
                    assertEquals(((Integer) state.getOrDefault("version", 0)) + 1, rs.getInt(2), "gap in " + id);
                    state.put("version", rs.getInt(2));
                    JsonObject data;
                    try (JsonReader reader = Json.createReader(new StringReader(rs.getString(4)))) {
                        data = reader.readObject();
                    }
                    switch (rs.getString(3)) {
                        case "OrderPlaced" -> {
                            state.put("quantity", data.getInt("quantity"));
                            state.put("unit_price", data.getJsonNumber("unit_price").bigDecimalValue());
                            state.put("status", "PENDING");
                            state.put("user_id", data.getString("user_id"));
                            state.put("product_id", data.getString("product_id"));
                        }
                        case "OrderQuantityChanged" -> state.put("quantity", data.getInt("quantity"));
                        case "OrderConfirmed" -> state.put("status", "CONFIRMED");
                        case "OrderShipped" -> state.put("status", "SHIPPED");
                        case "OrderCancelled" -> state.put("status", "CANCELLED");
                        case "ProductAdded", "ProductChanged" -> {
                            state.put("name", data.getString("name"));
                            state.put("price", data.getJsonNumber("price").bigDecimalValue());
                        }
                        case "CustomerRegistered", "CustomerEmailChanged" -> state.put("email", data.getString("email"));
                        default -> throw new AssertionError("unknown event type " + rs.getString(3));
                    }
                }
            }
            int checked = 0;
            try (ResultSet rs = write.createStatement().executeQuery(
                    "SELECT order_id, quantity, unit_price, status, user_id, product_id, version FROM orders")) {
                while (rs.next()) {
                    Map<String, Object> state = folded.get(rs.getObject(1, UUID.class));
                    String what = "order " + rs.getString(1);
                    assertEquals(state.get("quantity"), rs.getInt(2), what);
                    assertEquals(0, ((BigDecimal) state.get("unit_price")).compareTo(rs.getBigDecimal(3)), what);
                    assertEquals(state.get("status"), rs.getString(4), what);
                    assertEquals(state.get("user_id"), rs.getString(5), what);
                    assertEquals(state.get("product_id"), rs.getString(6), what);
                    assertEquals(state.get("version"), rs.getInt(7), what);
                    checked++;
                }
            }
            try (ResultSet rs = write.createStatement().executeQuery("SELECT product_id, name, price, version FROM products")) {
                while (rs.next()) {
                    Map<String, Object> state = folded.get(rs.getObject(1, UUID.class));
                    assertEquals(state.get("name"), rs.getString(2));
                    assertEquals(0, ((BigDecimal) state.get("price")).compareTo(rs.getBigDecimal(3)));
                    assertEquals(state.get("version"), rs.getInt(4));
                    checked++;
                }
            }
            try (ResultSet rs = write.createStatement().executeQuery("SELECT user_id, email, version FROM customers")) {
                while (rs.next()) {
                    Map<String, Object> state = folded.get(rs.getObject(1, UUID.class));
                    assertEquals(state.get("email"), rs.getString(2));
                    assertEquals(state.get("version"), rs.getInt(3));
                    checked++;
                }
            }
            write.rollback();
            assertTrue(checked > 300, "rows checked: " + checked);
        }
    }
}
