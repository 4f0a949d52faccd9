package dev.cqrs.orders.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cqrs.orders.testsupport.AppProcess;
import dev.cqrs.orders.testsupport.LoadBalancer;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.TestStack;
import dev.cqrs.orders.testsupport.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 20: the service scaled out on one machine as ./run --cluster runs it: HAProxy
 * (server-config/haproxy/cluster.cfg) in front of two command instances, two query instances and a
 * projector, each a process of its own with its {@code cqrs.roles}, on the server the tests run on.
 * Each instance serves only its roles' endpoints and its MDBs consume only where it projects; one
 * customer's rate limit is the configured one across both command instances, and so is its limit on
 * open streams across both query instances; and under a steady
 * command and query load through the balancer, a query instance, a command instance and the
 * projector are each killed with SIGKILL and restarted: clients see no errors beyond the requests in
 * flight at the kill (commands retried with their Idempotency-Key, and GETs asked again, get their answer), every
 * acknowledged command ends in the views in its aggregate's order, and the singleton work (event
 * sequencing) goes on on the surviving command instance.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    private static final Duration START = Duration.ofSeconds(600);
    private static final Duration CONVERGENCE = Duration.ofSeconds(180);
    private static final int COMMAND_WORKERS = 4;
    private static final int QUERY_WORKERS = 2;
    // microprofile-config.properties: cqrs.rate-limit.customer.per-second=20, burst=40.
    private static final int RATE = 20;
    private static final int BURST = 40;

    private static AppProcess command1;
    private static AppProcess command2;
    private static AppProcess query1;
    private static AppProcess query2;
    private static AppProcess projector;
    private static LoadBalancer balancer;
    private static OrderSystem system;
    private static final List<String> products = new ArrayList<>();
    private static String run;

    @BeforeAll
    static void startTheCluster() throws Exception {
        int port = Integer.parseInt(System.getProperty("scaleout.http.port", "18100"));
        command1 = new AppProcess("scale-command-1", port, properties("command"));
        command2 = new AppProcess("scale-command-2", port + 1, properties("command"));
        query1 = new AppProcess("scale-query-1", port + 2, properties("query"));
        query2 = new AppProcess("scale-query-2", port + 3, properties("query"));
        projector = new AppProcess("scale-projector", port + 4, properties("projector"));
        List<AppProcess> all = all();
        all.forEach(AppProcess::launch);
        all.forEach(app -> app.awaitReady(START));
        balancer = LoadBalancer.start(port + 5, port + 6, command1.base(), command2.base(), query1.base(), query2.base(),
                projector.base());
        system = new OrderSystem(balancer.base());
        // HAProxy's first health checks: until they pass, a backend has no server to route to.
        Awaitility.await("the balancer routes to every instance").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(ScaleOutIT::allServersUp);
        run = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < 3; i++) {
            products.add(system.createProduct("Scale product " + run + "-" + i, (4 + i) + ".50"));
        }
    }

    /**
     * The instance's roles, and a heartbeat of 2 s on streams (15 by default): a stream the client
     * closed is noticed at the server's next write, and its lease released (StreamInstancesIT does the same).
     */
    private static Map<String, String> properties(String roles) {
        Map<String, String> properties = new HashMap<>(AppProcess.roleProperties(roles));
        properties.put("cqrs.streams.heartbeat-seconds", "2");
        return properties;
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        for (AppProcess app : all()) {
            if (app != null) {
                app.stop();
            }
        }
    }

    private static List<AppProcess> all() {
        return java.util.Arrays.asList(command1, command2, query1, query2, projector);
    }

    @Test
    @Order(1)
    void eachInstanceServesOnlyItsRolesAndSaysWhichTheyAre() {
        Map<AppProcess, String> roles = Map.of(command1, "command", command2, "command", query1, "query",
                query2, "query", projector, "projector");
        roles.forEach((app, role) -> {
            OrderSystem direct = new OrderSystem(app.base());
            assertThat(direct.get("").json().getJsonArray("roles").getString(0)).as("GET / of " + app.name()).isEqualTo(role);
            assertThat(direct.get("").json().getJsonArray("roles")).as("GET / of " + app.name()).hasSize(1);
        });
        String someOrder = UUID.randomUUID().toString();
        OrderSystem.Answer commandOnQuery = new OrderSystem(query1.base()).postJson("orders", "{}");
        assertNotServed(commandOnQuery, "POST /orders on a query instance");
        assertNotServed(new OrderSystem(query1.base()).putJson("orders/" + someOrder, "{\"quantity\":2}"), "PUT on a query instance");
        assertNotServed(new OrderSystem(command1.base()).get("orders/" + someOrder), "GET /orders/{id} on a command instance");
        assertNotServed(new OrderSystem(command1.base()).get("admin/projections"), "GET /admin/projections on a command instance");
        assertNotServed(new OrderSystem(projector.base()).postJson("orders", "{}"), "POST /orders on the projector");
        assertNotServed(new OrderSystem(projector.base()).get("orders"), "GET /orders on the projector");
        assertThat(new OrderSystem(projector.base()).get("admin/projections").status()).isEqualTo(200);
        // Through the balancer everything is served: commands, queries, the projector's admin endpoints.
        String user = system.registerUser("scale-roles-" + run + "@example.com");
        assertThat(system.get("users/" + user).status()).isIn(200, 404);
        assertThat(system.get("admin/projections").status()).isEqualTo(200);
        assertThat(system.get("admin/audit").status()).isEqualTo(200);
        // Readiness names the roles.
        assertThat(new OrderSystem(query2.base()).readiness().body()).contains("\"roles\"").contains("\"query\"");
    }

    private static void assertNotServed(OrderSystem.Answer answer, String what) {
        assertThat(answer.status()).as(what).isEqualTo(404);
        assertThat(answer.header("Content-Type").orElse("")).as(what).startsWith("application/problem+json");
        assertThat(answer.body()).as(what).contains("urn:cqrs-orders:problem:not-served");
    }

    @Test
    @Order(2)
    void oneCustomersRateLimitHoldsAcrossBothCommandInstances() throws Exception {
        String user = system.registerUser("scale-rate-" + run + "@example.com");
        OrderSystem customer = system.as(Tokens.of(user, "customer"));
        Map<String, Long> before = commandServerSessions();
        int requests = 120;
        AtomicInteger limited = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long started = System.nanoTime();
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                // An empty body is refused (400) after the limit is checked: each spends a token.
                sent.add(pool.submit(() -> {
                    int status = customer.postJson("orders", "{}").status();
                    (status == 429 ? limited : other).incrementAndGet();
                }));
            }
            for (Future<?> request : sent) {
                request.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> after = commandServerSessions();
        long first = after.get("command-1") - before.get("command-1");
        long second = after.get("command-2") - before.get("command-2");
        assertThat(first).as("requests command-1 took").isGreaterThan(requests / 4);
        assertThat(second).as("requests command-2 took").isGreaterThan(requests / 4);
        // One bucket for the customer: at most the burst plus what refilled while the requests ran.
        // A bucket per instance would have let through at least twice the burst (each instance took
        // over a quarter of the requests... and each bucket starts full).
        long allowed = BURST + (long) Math.ceil(RATE * seconds) + 1;
        assertThat(other.get()).as("requests let through in %.2f s (limit %d/s, burst %d, across both instances)",
                seconds, RATE, BURST).isLessThanOrEqualTo((int) allowed);
        assertThat(limited.get()).as("requests refused with 429").isGreaterThanOrEqualTo(requests - (int) allowed);
        assertThat(seconds).as("the burst must be short for the bound to tell one bucket from two").isLessThan(1.9);
    }

    @Test
    @Order(3)
    void oneCustomersOpenStreamsAreCountedAcrossBothQueryInstances() throws Exception {
        String user = system.registerUser("scale-streams-" + run + "@example.com");
        String token = Tokens.of(user, "customer");
        List<EventStream> open = new ArrayList<>();
        try {
            // cqrs.streams.max-per-caller = 5: the balancer spreads them over both query instances.
            for (int i = 0; i < 5; i++) {
                EventStream stream = EventStream.open(system, token, "orders/changes");
                assertThat(stream.status()).as("stream " + (i + 1)).isEqualTo(200);
                open.add(stream);
            }
            Map<String, Long> current = serverSessions("query", "scur");
            assertThat(current.get("query-1")).as("streams open on query-1").isPositive();
            assertThat(current.get("query-2")).as("streams open on query-2").isPositive();
            // Counted per instance, the sixth would open (each instance holds fewer than five).
            EventStream sixth = EventStream.open(system, token, "orders/changes");
            assertThat(sixth.status()).as("a sixth stream of the customer").isEqualTo(429);
            assertThat(sixth.body()).contains("urn:cqrs-orders:problem:too-many-streams");
            // Closing one makes room, on whichever instance the next lands (once its instance has noticed
            // the close: at its next writes, the heartbeats).
            open.remove(0).close();
            EventStream again = Awaitility.await("a place after closing a stream").atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> EventStream.open(system, token, "orders/changes"), stream -> {
                        if (stream.status() != 200) {
                            stream.close();
                            return false;
                        }
                        return true;
                    });
            open.add(again);
        } finally {
            open.forEach(EventStream::close);
        }
    }

    /** HAProxy's total sessions per command server (its statistics CSV, column stot). */
    private static Map<String, Long> commandServerSessions() throws Exception {
        return serverSessions("command", "stot");
    }

    /** A column of HAProxy's statistics CSV (stot: sessions so far, scur: open now) per server of {@code backend}. */
    private static Map<String, Long> serverSessions(String backend, String column) throws Exception {
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(balancer.statsCsv()).build(),
                HttpResponse.BodyHandlers.ofString());
        String[] header = csv.body().lines().findFirst().orElseThrow().replaceFirst("^# ", "").split(",");
        int proxy = List.of(header).indexOf("pxname");
        int server = List.of(header).indexOf("svname");
        int value = List.of(header).indexOf(column);
        Map<String, Long> values = new HashMap<>();
        csv.body().lines().skip(1).map(line -> line.split(",", -1))
                .filter(fields -> fields.length > value && fields[proxy].equals(backend))
                .forEach(fields -> values.put(fields[server], Long.parseLong(fields[value])));
        return values;
    }

    private static boolean allServersUp() throws Exception {
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(balancer.statsCsv()).build(),
                HttpResponse.BodyHandlers.ofString());
        String[] header = csv.body().lines().findFirst().orElseThrow().replaceFirst("^# ", "").split(",");
        int server = List.of(header).indexOf("svname");
        int status = List.of(header).indexOf("status");
        long up = csv.body().lines().skip(1).map(line -> line.split(",", -1))
                .filter(fields -> fields.length > status && !fields[server].equals("FRONTEND") && !fields[server].equals("BACKEND"))
                .filter(fields -> fields[status].equals("UP")).count();
        return up == 5;
    }

    @Test
    @Order(4)
    void killingAQueryACommandAndTheProjectorInTurnLosesNothingAndClientsSeeOnlyInFlightErrors() throws Exception {
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            customers.add(system.registerUser("scale-load-" + run + "-" + i + "@example.com"));
        }
        CommandLoad load = new CommandLoad(() -> List.of(balancer.base()), customers, products, COMMAND_WORKERS, 100_000)
                .behindBalancer();
        QueryLoad queries = new QueryLoad(load);
        load.start(20);
        queries.start();
        try {
            load.awaitAcknowledged(100, Duration.ofSeconds(120));

            // A query instance: the GETs in flight on it may fail (a client asks again, and gets its answer
            // from the other one); the others go to the other instance.
            int queryErrorsBefore = queries.inFlightFailures.get();
            query1.kill();
            int queriesAtKill = queries.answered.get();
            Awaitility.await("queries answered with a query instance down").atMost(Duration.ofSeconds(60))
                    .until(() -> queries.answered.get() > queriesAtKill + 50);
            load.awaitAcknowledged(30, Duration.ofSeconds(60));
            int queryErrorsAtKill = queries.inFlightFailures.get() - queryErrorsBefore;
            query1.start();
            int queryErrorsAfter = queries.inFlightFailures.get();

            // A command instance: the requests in flight on it fail; the others go to the survivor, and
            // the singletons (here: the event sequencer) go on there.
            int failedBefore = load.failedOrLost.get();
            command1.kill();
            long sequenced = sequencerPosition();
            load.awaitAcknowledged(50, Duration.ofSeconds(60));
            Awaitility.await("events sequenced with command-1 down").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100)).until(() -> sequencerPosition() > sequenced);
            int failedAtCommandKill = load.failedOrLost.get() - failedBefore;
            command1.start();

            // The projector: commands go on (their events wait in the broker), no other instance consumes.
            int failedBeforeProjector = load.failedOrLost.get();
            projector.kill();
            Awaitility.await("no consumer left on order_views.orders").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).until(() -> TestStack.consumers("order_views.orders") == 0);
            load.awaitAcknowledged(50, Duration.ofSeconds(60));
            projector.start();
            load.awaitAcknowledged(30, Duration.ofSeconds(60));
            int failedAtProjectorKill = load.failedOrLost.get() - failedBeforeProjector;

            load.stop();
            queries.stop();
            assertThat(failedAtCommandKill).as("commands that failed at command-1's kill (at most those in flight)")
                    .isLessThanOrEqualTo(COMMAND_WORKERS);
            assertThat(failedAtProjectorKill).as("commands that failed while the projector was down").isZero();
            assertThat(queryErrorsBefore).as("queries that failed before any kill").isZero();
            assertThat(queryErrorsAtKill).as("queries that failed at query-1's kill (at most those in flight)")
                    .isLessThanOrEqualTo(QUERY_WORKERS);
            assertThat(queries.inFlightFailures.get() - queryErrorsAfter)
                    .as("queries that failed after query-1 was back (command-1's and the projector's kills)").isZero();
            assertThat(queries.errors).as("queries that failed again when asked again, or answered an error").isEmpty();
        } finally {
            load.stop();
            queries.stop();
        }
        load.resolveUnknown(Duration.ofSeconds(60));
        assertThat(load.violations).as("5xx answers other than 503 problem+json with Retry-After").isEmpty();
        assertThat(load.ledgerGaps()).as("orders whose acknowledged versions are not 1..n").isEmpty();
        Map<String, String> expected = load.expectedOrders();
        Awaitility.await("the views show every acknowledged command").atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> OrderLedgers.differences(customers, expected), Map::isEmpty);
        Map<String, Set<Integer>> stored = OrderLedgers.storedVersions(customers);
        Set<String> lost = new TreeSet<>(load.ackedVersions.keySet());
        lost.removeAll(stored.keySet());
        assertThat(lost).as("acknowledged orders missing from the event store").isEmpty();
        List<String> mismatches = new ArrayList<>();
        load.ackedVersions.forEach((order, acked) -> {
            if (!acked.equals(stored.get(order))) {
                mismatches.add(order + ": acknowledged " + new TreeSet<>(acked) + ", events " + stored.get(order));
            }
        });
        assertThat(mismatches).as("order events not acknowledged exactly once").isEmpty();
        // The projector's verifier: every view equals the fold of the event store, in each aggregate's order.
        Awaitility.await("the verifier finds order_views equal to the event store").atMost(CONVERGENCE)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> system.postJson("admin/projections/order_views/verify", "").json(),
                        report -> report.getInt("differences_total") == 0);
    }

    private static long sequencerPosition() throws Exception {
        try (var write = TestDatabases.write()) {
            return ((Number) TestDatabases.value(write, "SELECT position FROM event_sequencer WHERE id = 1")).longValue();
        }
    }

    /** GETs of acknowledged orders through the balancer; any answer but 200 is an error. */
    private static final class QueryLoad {

        private final CommandLoad commands;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final String token = Tokens.admin();
        private final AtomicBoolean running = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        final AtomicInteger answered = new AtomicInteger();
        /** Queries whose first attempt got no answer (asked again at once, as a client does with a GET). */
        final AtomicInteger inFlightFailures = new AtomicInteger();
        final List<String> errors = new CopyOnWriteArrayList<>();

        QueryLoad(CommandLoad commands) {
            this.commands = commands;
        }

        void start() {
            running.set(true);
            for (int i = 0; i < QUERY_WORKERS; i++) {
                Random random = new Random(i);
                Thread worker = new Thread(() -> {
                    while (running.get()) {
                        List<String> orders = new ArrayList<>(commands.ackedVersions.keySet());
                        if (orders.isEmpty()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        query(orders.get(random.nextInt(orders.size())));
                    }
                }, "queries-" + i);
                threads.add(worker);
                worker.start();
            }
        }

        private void query(String order) {
            if (!query(order, false)) {
                inFlightFailures.incrementAndGet();
                query(order, true);
            }
        }

        /** One GET; answers false when it got no answer (a lost connection), which is an error only when {@code again}. */
        private boolean query(String order, boolean again) {
            URI uri = balancer.base().resolve("orders/" + order);
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                // 404: acknowledged, not in the view yet (eventual consistency), not an error.
                if (answer.statusCode() == 200 || answer.statusCode() == 404 && answer.body().contains("not-found")) {
                    answered.incrementAndGet();
                } else if (!again && (answer.statusCode() == 502 || answer.statusCode() == 504)
                        && !answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                    // The balancer's own answer: the instance it had asked died with the request.
                    return false;
                } else {
                    errors.add(answer.statusCode() + " " + answer.body());
                }
                return true;
            } catch (java.io.IOException e) {
                if (again) {
                    errors.add("asked again: " + e);
                }
                return again;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            threads.clear();
        }
    }
}
