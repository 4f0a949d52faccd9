package dev.cqrs.orders.scenario;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.AppProcess;
import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Server-sent events across instances and at their edges (issue 19), on two application processes
 * of their own (sharing the test stack's databases and broker, both projecting): a change applied
 * by one instance's projection reaches the streams held by the other; an idle stream gets its
 * heartbeat comment; a reader that stops reading is dropped while the other streams and the
 * projections go on; an instance shut down (SIGTERM) ends its streams cleanly, with the body's
 * last chunk. The instances run
 * with a heartbeat of 2 s (15 s by default), room for 20 queued events per stream (1,000) and a
 * reader dropped after 3 s without taking an event while events wait (10 s), so that the test need not wait long; each rename there makes 200 changes at once, more than a
 * stream's queue holds, which a reading stream takes in turns.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamInstancesIT {

    private static final int QUEUED = 20;
    // Orders renamed at once: each rename is this many changes, ~850 bytes each on the wire.
    private static final int ORDERS = 200;
    private static AppProcess first;
    private static AppProcess second;
    private static OrderSystem viaFirst;
    private static OrderSystem viaSecond;
    private static String productId;
    private final String token = Tokens.of("instances-admin-" + UUID.randomUUID(), "admin");

    @BeforeAll
    static void twoInstances() {
        int port = Integer.parseInt(System.getProperty("streams.http.port", "18086"));
        Map<String, String> properties = Map.of("cqrs.streams.heartbeat-seconds", "2",
                "cqrs.streams.max-queued-events", String.valueOf(QUEUED), "cqrs.streams.slow-reader-seconds", "3");
        first = new AppProcess("streams-1", port, properties);
        second = new AppProcess("streams-2", port + 1, properties);
        CompletableFuture<AppProcess> one = CompletableFuture.supplyAsync(first::start);
        CompletableFuture<AppProcess> two = CompletableFuture.supplyAsync(second::start);
        one.join();
        two.join();
        viaFirst = new OrderSystem(first.base());
        viaSecond = new OrderSystem(second.base());
        productId = viaFirst.createProduct("Instance tea " + UUID.randomUUID(), "3.00");
    }

    @AfterAll
    static void stopInstances() {
        for (AppProcess app : new AppProcess[] {first, second}) {
            if (app != null) {
                app.stop();
            }
        }
    }

    @Test
    @Order(1)
    void aChangeAppliedByTheOtherInstancesProjectionReachesThisInstancesStreams() throws Exception {
        String userId = viaFirst.registerUser("instances-" + UUID.randomUUID() + "@example.com");
        long appliedByFirst = applied(viaFirst);
        long appliedBySecond = applied(viaSecond);
        try (EventStream onFirst = EventStream.open(viaFirst, token, "orders/changes?user_id=" + userId);
             EventStream onSecond = EventStream.open(viaSecond, token, "orders/changes?user_id=" + userId)) {
            for (EventStream stream : List.of(onFirst, onSecond)) {
                assertEquals(200, stream.status());
                await().atMost(Duration.ofSeconds(5)).until(stream::opened);
            }
            Set<String> orders = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                orders.add((i % 2 == 0 ? viaFirst : viaSecond).placeOrder(userId, productId, 1));
            }
            for (EventStream stream : List.of(onFirst, onSecond)) {
                Set<String> arrived = new HashSet<>();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    stream.drain().forEach(e -> arrived.add(json(e.data()).getString("order_id")));
                    return arrived.equals(orders);
                });
            }
        }
        // Both instances' projections consume (the broker spreads the orders' groups over both): each
        // stream above got orders the other instance applied.
        assertTrue(applied(viaFirst) > appliedByFirst, "the first instance applied none of the orders");
        assertTrue(applied(viaSecond) > appliedBySecond, "the second instance applied none of the orders");
    }

    @Test
    @Order(2)
    void anIdleStreamGetsAHeartbeatComment() throws Exception {
        // A filter no order matches: nothing but comments comes.
        try (EventStream idle = EventStream.open(viaFirst, token, "orders/changes?user_id=" + UUID.randomUUID())) {
            assertEquals(200, idle.status());
            await().atMost(Duration.ofSeconds(5)).until(idle::opened);
            Instant opened = idle.comments().get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> idle.comments().size() >= 3);
            List<Instant> comments = idle.comments();
            for (int i = 1; i < 3; i++) {
                long gap = Duration.between(comments.get(i - 1), comments.get(i)).toMillis();
                assertTrue(gap >= 1500, "a heartbeat " + gap + " ms after the comment before it (every 2 s)");
            }
            assertTrue(Duration.between(opened, comments.get(2)).toMillis() < 8000, comments.toString());
            assertEquals(List.of(), idle.drain(), "no event on the idle stream");
        }
    }

    @Test
    @Order(3)
    void aReaderThatStopsReadingIsDroppedAndTheOthersAndTheProjectionsGoOn() throws Exception {
        String userId = viaFirst.registerUser("slow-" + UUID.randomUUID() + "@example.com");
        String product = viaFirst.createProduct("Renamed often " + UUID.randomUUID(), "1.00");
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            orders.add(viaFirst.placeOrder(userId, product, 1));
        }
        for (String order : orders) {
            viaFirst.awaitOrder(order, 1);
        }
        long droppedBefore = streams(viaFirst).getJsonNumber("dropped_slow").longValue();
        try (Socket slow = new Socket();
             EventStream reading = EventStream.open(viaFirst, token, "orders/changes?user_id=" + userId)) {
            // A reader with a small receive window that sends its request and never reads a byte.
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", first.base().getPort()), 5000);
            OutputStream request = slow.getOutputStream();
            request.write(("GET /orders/changes?user_id=" + userId + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            assertEquals(200, reading.status());
            await().atMost(Duration.ofSeconds(5)).until(reading::opened);
            await().atMost(Duration.ofSeconds(5)).until(() -> streams(viaFirst).getInt("open") >= 2);
            // Each rename rewrites the views: an event per order on both streams. Long names (the events'
            // size), renamed until the slow reader is dropped, for at most four minutes: what the server's and
            // the socket's buffers take before its queue fills is theirs to decide (Payara Micro's took
            // several MB). The next rename waits until the reading stream has every view of this one: it
            // keeps up the whole time, whatever the slow reader does.
            Map<String, String> seen = new HashMap<>();
            int renames = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (streams(viaFirst).getJsonNumber("dropped_slow").longValue() == droppedBefore && System.nanoTime() < until) {
                String name = (++renames + " " + "renamed again and again ".repeat(7)).strip();
                assertEquals(200, viaFirst.putJson("products/" + product, "{\"name\":\"" + name + "\"}").status());
                Map<String, String> names = new HashMap<>();
                orders.forEach(order -> names.put(order, name));
                await("rename " + renames + " on the reading stream").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(20)).until(() -> {
                            reading.drain().forEach(e -> seen.put(json(e.data()).getString("order_id"),
                                    json(e.data()).getString("product_name")));
                            return seen.equals(names);
                        });
            }
            assertTrue(streams(viaFirst).getJsonNumber("dropped_slow").longValue() > droppedBefore,
                    "the reader that never reads was not dropped after " + renames + " renames of " + ORDERS + " orders ("
                            + renames * ORDERS + " events; " + QUEUED + " may wait, 3 s without a sent event drops): "
                            + streams(viaFirst));
            assertTrue(reading.ended().getNow("open").equals("open"), "the reading stream was not dropped");
        }
    }

    @Test
    @Order(4)
    void anInstanceShutDownEndsItsStreamsCleanly() throws Exception {
        EventStream stream = EventStream.open(viaSecond, token, "orders/changes");
        assertEquals(200, stream.status());
        await().atMost(Duration.ofSeconds(5)).until(stream::opened);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(second::stop);
        String end = stream.ended().get(60, TimeUnit.SECONDS);
        stopped.get(90, TimeUnit.SECONDS);
        // On WildFly the HTTP listener stops alongside the deployment: with @PreDestroy alone one shutdown
        // in eight cut the streams; StreamsShutdown ends them as the web application stops (§20).
        assertEquals("end", end, "the stream ended with its last chunk, not a cut connection");
    }

    private static long applied(OrderSystem system) {
        return system.get("admin/projections/deliveries").json().getJsonNumber("applied").longValue();
    }

    private static JsonObject streams(OrderSystem system) {
        return system.get("admin/streams").json();
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
