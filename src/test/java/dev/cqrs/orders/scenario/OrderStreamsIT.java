package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static dev.cqrs.orders.scenario.ProblemAssertions.fields;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Server-sent events of order views (issue 19): a change arrives within a second of the command's
 * answer, as {@code GET /orders/{id}} answers the view; a stream resumed with {@code Last-Event-ID}
 * after a disconnect in a burst loses and doubles nothing; a customer's streams carry their own
 * orders only, whatever they ask for; every change is an event with the view at its version, also
 * when the stream gets there after later changes; opening a stream spends a rate-limit token, and a caller has
 * at most five open; a resume from before what is kept gets an explicit gap, and so does an open
 * stream the retention sweep passes by; a malformed {@code
 * Last-Event-ID} is a 400 naming it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OrderStreamsIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem admin = OrderSystem.atTestPort();
    // An admin of its own: streams count per caller (at most five open), and the server learns of a
    // stream the client closed only at its next write.
    private final String adminToken = Tokens.of("streams-admin-" + UUID.randomUUID(), "admin");
    private String productId;

    @BeforeEach
    void aProduct() {
        productId = admin.createProduct("Streamed tea", "2.00");
    }

    @Test
    void aChangeArrivesWithinASecondOfTheCommandsAnswerAsTheViewIs() throws Exception {
        String userId = admin.registerUser("stream-" + UUID.randomUUID() + "@example.com");
        String orderId = admin.placeOrder(userId, productId, 2);
        admin.awaitOrder(orderId, 1);
        try (EventStream stream = EventStream.open(admin, adminToken, "orders/" + orderId + "/changes")) {
            assertEquals(200, stream.status());
            assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
            await().atMost(Duration.ofSeconds(5)).until(stream::opened);
            OrderSystem.Answer confirmed = admin.transition(orderId, "confirm");
            Instant answered = Instant.now();
            assertEquals(200, confirmed.status(), confirmed.body());
            EventStream.Event event = stream.next(Duration.ofSeconds(5));
            assertNotNull(event, "no event within 5 s of the confirmation");
            assertTrue(Duration.between(answered, event.arrived()).toMillis() < 1000,
                    "the change arrived " + Duration.between(answered, event.arrived()).toMillis() + " ms after the answer");
            assertEquals("order", event.name());
            assertTrue(event.id().matches("[0-9]+-[0-9]+"), event.id());
            JsonObject pushed = json(event.data());
            assertEquals(2, pushed.getInt("version"));
            assertEquals("CONFIRMED", pushed.getString("status"));
            assertEquals(admin.get("orders/" + orderId).json(), pushed, "the event's data is the view GET answers");
        }
    }

    @Test
    void aStreamResumedAfterADisconnectInABurstLosesAndDoublesNothing() throws Exception {
        String userId = admin.registerUser("burst-" + UUID.randomUUID() + "@example.com");
        List<EventStream.Event> seen = new ArrayList<>();
        List<String> orders = new ArrayList<>();
        EventStream first = EventStream.open(admin, adminToken, "orders/changes?user_id=" + userId);
        assertEquals(200, first.status());
        await().atMost(Duration.ofSeconds(5)).until(first::opened);
        // The burst: 25 orders, each placed and confirmed, from another thread.
        CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 25; i++) {
                String orderId = admin.placeOrder(userId, productId, 1 + i % 3);
                synchronized (orders) {
                    orders.add(orderId);
                }
                OrderSystem.Answer confirmed = admin.transition(orderId, "confirm");
                assertEquals(200, confirmed.status(), confirmed.body());
            }
        });
        String last;
        try (first) {
            while (seen.size() < 5) {
                EventStream.Event event = first.next(Duration.ofSeconds(20));
                assertNotNull(event, "no event from the first connection in 20 s (" + seen.size() + " so far)");
                seen.add(event);
            }
            last = seen.get(seen.size() - 1).id();
        }
        assertTrue(!burst.isDone(), "the disconnect came during the burst");
        try (EventStream resumed = EventStream.open(admin, adminToken, "orders/changes?user_id=" + userId, "Last-Event-ID", last)) {
            assertEquals(200, resumed.status());
            burst.get();
            // Until every order's view as GET answers it now (confirmed, version 2) has arrived.
            Map<String, JsonObject> finals = new HashMap<>();
            for (String orderId : orders) {
                finals.put(orderId, admin.awaitOrder(orderId, 2));
            }
            Map<String, JsonObject> latest = new HashMap<>();
            seen.forEach(e -> latest.put(json(e.data()).getString("order_id"), json(e.data())));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                for (EventStream.Event event : resumed.drain()) {
                    seen.add(event);
                    latest.put(json(event.data()).getString("order_id"), json(event.data()));
                }
                return latest.equals(finals);
            });
        }
        Set<String> ids = new HashSet<>();
        String previous = null;
        for (EventStream.Event event : seen) {
            assertEquals("order", event.name());
            assertTrue(ids.add(event.id()), "event " + event.id() + " came twice");
            if (previous != null) {
                assertTrue(compare(previous, event.id()) < 0, "event " + event.id() + " came after " + previous);
            }
            previous = event.id();
        }
    }

    @Test
    void everyChangeIsAnEventWithTheViewAtItsVersionEvenWhenLaterChangesCameFirst() throws Exception {
        String userId = admin.registerUser("versions-" + UUID.randomUUID() + "@example.com");
        String placedId;
        String orderId;
        try (EventStream stream = EventStream.open(admin, adminToken, "orders/changes?user_id=" + userId)) {
            assertEquals(200, stream.status());
            await().atMost(Duration.ofSeconds(5)).until(stream::opened);
            orderId = admin.placeOrder(userId, productId, 1);
            EventStream.Event placed = stream.next(Duration.ofSeconds(10));
            assertNotNull(placed, "the placed order did not arrive");
            assertEquals(1, json(placed.data()).getInt("version"));
            placedId = placed.id();
        }
        // Four more changes, all in the view before the stream resumes: a stream that sent the row as
        // it is now would have only the last one to send.
        for (int quantity = 2; quantity <= 4; quantity++) {
            OrderSystem.Answer changed = admin.putJson("orders/" + orderId, "{\"quantity\":" + quantity + "}");
            assertEquals(200, changed.status(), changed.body());
        }
        assertEquals(200, admin.transition(orderId, "confirm").status());
        JsonObject now = admin.awaitOrder(orderId, 5);
        try (EventStream resumed = EventStream.open(admin, adminToken, "orders/changes?user_id=" + userId,
                "Last-Event-ID", placedId)) {
            assertEquals(200, resumed.status());
            List<JsonObject> views = new ArrayList<>();
            // Until the last change (version 5) has come.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                resumed.drain().forEach(e -> views.add(json(e.data())));
                return views.stream().anyMatch(v -> v.getInt("version") == 5);
            });
            assertEquals(List.of(2, 3, 4, 5), views.stream().map(v -> v.getInt("version")).toList(), views.toString());
            assertEquals(List.of(2, 3, 4, 4), views.stream().map(v -> v.getInt("quantity")).toList());
            assertEquals(List.of("PENDING", "PENDING", "PENDING", "CONFIRMED"),
                    views.stream().map(v -> v.getString("status")).toList());
            assertEquals(List.of("4.00", "6.00", "8.00", "8.00"),
                    views.stream().map(v -> v.getJsonNumber("total_price").bigDecimalValue().toPlainString()).toList());
            assertEquals(now, views.get(3), "the last event's data is the view GET answers");
            assertEquals(List.of(), resumed.drain(), "nothing more");
        }
    }

    @Test
    void aCustomersStreamsCarryTheirOwnOrdersOnlyWhateverTheyAskFor() throws Exception {
        String userA = admin.registerUser("stream-a-" + UUID.randomUUID() + "@example.com");
        String userB = admin.registerUser("stream-b-" + UUID.randomUUID() + "@example.com");
        String tokenB = Tokens.of(userB, "customer");
        String orderOfA = admin.placeOrder(userA, productId, 1);
        admin.awaitOrder(orderOfA, 1);
        try (EventStream all = EventStream.open(admin, tokenB, "orders/changes");
             EventStream askedForA = EventStream.open(admin, tokenB, "orders/changes?user_id=" + userA);
             EventStream orderA = EventStream.open(admin, tokenB, "orders/" + orderOfA + "/changes")) {
            for (EventStream stream : List.of(all, askedForA, orderA)) {
                assertEquals(200, stream.status());
                await().atMost(Duration.ofSeconds(5)).until(stream::opened);
            }
            assertEquals(200, admin.transition(orderOfA, "confirm").status());
            admin.awaitOrder(orderOfA, 2);
            String secondOfA = admin.placeOrder(userA, productId, 2);
            admin.awaitOrder(secondOfA, 1);
            String orderOfB = admin.placeOrder(userB, productId, 3);
            admin.awaitOrder(orderOfB, 1);
            // B's own order arrives on the unfiltered stream: the feed has passed A's changes, made before it.
            EventStream.Event own = all.next(Duration.ofSeconds(10));
            assertNotNull(own, "B's own order did not arrive");
            assertEquals(orderOfB, json(own.data()).getString("order_id"), "B's stream: the first event is B's own order");
            assertEquals(List.of(), all.drain(), "B's stream after B's order");
            assertEquals(List.of(), askedForA.drain(), "B's stream of user_id=A");
            assertEquals(List.of(), orderA.drain(), "B's stream of A's order");
        }
    }

    @Test
    void openingAStreamSpendsARateLimitTokenAndACallerHasAtMostFiveOpen() throws Exception {
        String userC = admin.registerUser("streams-c-" + UUID.randomUUID() + "@example.com");
        String tokenC = Tokens.of(userC, "customer");
        List<EventStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                EventStream stream = EventStream.open(admin, tokenC, "orders/changes");
                open.add(stream);
                assertEquals(200, stream.status(), "stream " + (i + 1));
            }
            EventStream sixth = EventStream.open(admin, tokenC, "orders/changes");
            assertEquals(429, sixth.status());
            assertTrue(sixth.body().contains("urn:cqrs-orders:problem:too-many-streams"), "the sixth stream's answer");
        } finally {
            open.forEach(EventStream::close);
        }

        String userD = admin.registerUser("streams-d-" + UUID.randomUUID() + "@example.com");
        OrderSystem customerD = admin.as(Tokens.of(userD, "customer"));
        // Spend D's tokens (any command does, a refused one too), then open a stream at once.
        OrderSystem.Answer spent;
        int commands = 0;
        do {
            spent = customerD.postJson("orders", "{}");
            commands++;
        } while (spent.status() != 429 && commands < 200);
        assertEquals(429, spent.status(), "D's commands were never limited");
        // The bucket refills (20 a second): an opening may find a fresh token, and spends it; the next
        // ones, made faster than that, find none. Without the check all four would open.
        List<EventStream> opened = new ArrayList<>();
        try {
            EventStream limited = null;
            for (int i = 0; i < 4 && limited == null; i++) {
                EventStream stream = EventStream.open(admin, customerD.token(), "orders/changes");
                if (stream.status() == 429) {
                    limited = stream;
                } else {
                    opened.add(stream);
                }
            }
            assertNotNull(limited, "four streams opened right after D's rate was spent: " + opened.size());
            assertTrue(limited.body().contains("urn:cqrs-orders:problem:rate-limited"), "the refusal names the rate limit");
        } finally {
            opened.forEach(EventStream::close);
        }
    }

    @Test
    void aResumeFromBeforeWhatIsKeptGetsAGapAndAMalformedLastEventIdIsA400() throws Exception {
        OrderSystem.Answer malformed = admin.request("GET", "orders/changes", null, null, "Accept", "text/event-stream",
                "Last-Event-ID", "yesterday");
        assertProblem(malformed, 400, "invalid-input");
        assertEquals(List.of("Last-Event-ID"), fields(malformed));

        List<String> kept = firstRow("SELECT tx::text, seq::text FROM view_changes_forgotten");
        String forgottenTx = kept.get(0);
        long forgottenSeq = Long.parseLong(kept.get(1));
        try {
            // As if the retention sweep had deleted changes up to (2, 1): a stream resumed at (1, 1) missed some.
            forget("2", 1);
            try (EventStream resumed = EventStream.open(admin, adminToken, "orders/changes", "Last-Event-ID", "1-1")) {
                assertEquals(200, resumed.status());
                EventStream.Event gap = resumed.next(Duration.ofSeconds(5));
                assertNotNull(gap, "no event");
                assertEquals("gap", gap.name(), gap.toString());
                assertTrue(json(gap.data()).getString("detail").contains("no longer kept"), gap.data());
            }
            // An open stream that the sweep passes by (it deleted changes the stream has not read) is told so too.
            try (EventStream open = EventStream.open(admin, adminToken, "orders/changes?user_id=" + UUID.randomUUID())) {
                assertEquals(200, open.status());
                await().atMost(Duration.ofSeconds(5)).until(open::opened);
                String newest = firstRow("SELECT pg_current_xact_id()::text").get(0);
                // (newest, 1): a stream that opened when nothing ran is at (pg_snapshot_xmin, 0), which may be this xid.
                forget(newest, 1);
                EventStream.Event gap = open.next(Duration.ofSeconds(5));
                assertNotNull(gap, "no gap on the open stream");
                assertEquals("gap", gap.name(), gap.toString());
            }
        } finally {
            forget(forgottenTx, forgottenSeq);
        }
    }

    /** The first row a query of read_db answers, its columns as text. */
    private static List<String> firstRow(String sql) throws Exception {
        try (Connection read = TestDatabases.read();
             PreparedStatement select = read.prepareStatement(sql);
             ResultSet rs = select.executeQuery()) {
            assertTrue(rs.next(), "no row: " + sql);
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.add(rs.getString(i));
            }
            return row;
        }
    }

    private static void forget(String tx, long seq) throws Exception {
        try (Connection read = TestDatabases.read();
             PreparedStatement update = read.prepareStatement("UPDATE view_changes_forgotten SET tx = CAST(? AS xid8), seq = ?")) {
            update.setString(1, tx);
            update.setLong(2, seq);
            assertEquals(1, update.executeUpdate());
        }
    }

    private static int compare(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int byTx = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return byTx != 0 ? byTx : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
