package dev.cqrs.orders.scenario;

import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * Bounded command load over HTTP (127.0.0.1) with a ledger of what the service answered: placing
 * orders and changing, confirming, shipping and cancelling the ones it acknowledged, each request
 * with an Idempotency-Key of its own. An answer 2xx is acknowledged, 4xx refused; a 5xx or a lost
 * connection leaves the outcome unknown until {@link #resolveUnknown} asks again with the same key,
 * as a client should.
 */
final class CommandLoad {

    /** One command as sent: where, what, and its key. */
    record Command(String method, String path, String body, String key, String orderId) {
    }

    private static final String TOKEN = Tokens.admin();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Supplier<List<URI>> targets;
    private final List<String> customers;
    private final List<String> products;
    private final int workers;
    private final int maxCommands;

    /** Acknowledged orders, and for each the versions its acknowledged commands answered. */
    final Map<String, Set<Integer>> ackedVersions = new ConcurrentHashMap<>();
    /** The ledger: per acknowledged order, each acknowledged command by the version it answered. */
    private final Map<String, Map<Integer, Command>> ledger = new ConcurrentHashMap<>();
    /** When each first attempt was sent and answered (or failed), System.nanoTime(). */
    private final ConcurrentLinkedQueue<long[]> attempts = new ConcurrentLinkedQueue<>();
    final List<String> refusedKeys = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Command> unknown = new ConcurrentLinkedQueue<>();
    /** Answers that broke the contract (a 5xx other than 503 problem+json with Retry-After). */
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicInteger acked = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger failedOrLost = new AtomicInteger();
    final AtomicInteger serverErrors = new AtomicInteger();
    final AtomicInteger replayedAsCommitted = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean behindBalancer;
    private final List<Thread> threads = new ArrayList<>();

    CommandLoad(Supplier<List<URI>> targets, List<String> customers, List<String> products, int workers,
                int maxCommands) {
        this.targets = targets;
        this.customers = customers;
        this.products = products;
        this.workers = workers;
        this.maxCommands = maxCommands;
    }

    void start(long seed) {
        running.set(true);
        for (int i = 0; i < workers; i++) {
            Random random = new Random(seed + i);
            Thread worker = new Thread(() -> {
                while (running.get() && sent.incrementAndGet() <= maxCommands) {
                    send(next(random), random);
                }
            }, "load-" + i);
            threads.add(worker);
            worker.start();
        }
    }

    /** Stops sending and waits for the requests in flight to be answered (or to fail). */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        threads.clear();
    }

    /** Waits until {@code more} further commands have been acknowledged. */
    void awaitAcknowledged(int more, Duration atMost) {
        int target = acked.get() + more;
        Awaitility.await("acknowledged commands reach " + target).atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> acked.get() >= target || sent.get() > maxCommands);
        if (acked.get() < target) {
            throw new AssertionError("the load's command budget ran out before " + target + " were acknowledged");
        }
    }

    /** Waits until {@code more} further commands got a 5xx or a lost connection. */
    void awaitFailures(int more, Duration atMost) {
        int target = failedOrLost.get() + more;
        Awaitility.await("failed commands reach " + target).atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> failedOrLost.get() >= target);
    }

    /**
     * Sends every command of unknown outcome again, with its key, until it gets a definite answer.
     * A replayed 2xx means the first attempt had committed.
     */
    void resolveUnknown(Duration atMost) {
        Command command;
        while ((command = unknown.poll()) != null) {
            Command retry = command;
            Random random = new Random(retry.key().hashCode());
            Awaitility.await("a definite answer for " + retry).atMost(atMost).pollInterval(Duration.ofMillis(200))
                    .until(() -> record(retry, attempt(retry, random), false));
        }
    }

    private Command next(Random random) {
        List<String> orders = new ArrayList<>(ackedVersions.keySet());
        String key = UUID.randomUUID().toString();
        if (orders.size() < 20 || random.nextInt(100) < 35) {
            String body = """
                    {"user_id":"%s","product_id":"%s","quantity":%d}""".formatted(
                    customers.get(random.nextInt(customers.size())), products.get(random.nextInt(products.size())),
                    1 + random.nextInt(5));
            return new Command("POST", "orders", body, key, null);
        }
        String order = orders.get(random.nextInt(orders.size()));
        int action = random.nextInt(100);
        if (action < 40) {
            return new Command("PUT", "orders/" + order, "{\"quantity\":" + (1 + random.nextInt(9)) + "}", key, order);
        }
        String transition = action < 70 ? "confirm" : action < 90 ? "ship" : "cancel";
        return new Command("POST", "orders/" + order + "/" + transition, null, key, order);
    }

    private void send(Command command, Random random) {
        long sentAt = System.nanoTime();
        inFlight.incrementAndGet();
        try {
            record(command, attempt(command, random), true);
        } finally {
            inFlight.decrementAndGet();
            attempts.add(new long[] {sentAt, System.nanoTime()});
        }
    }

    /** How many commands were sent before {@code nanoTime} (System.nanoTime()) and answered, or failed, after it. */
    int inFlightAt(long nanoTime) {
        return (int) attempts.stream().filter(span -> span[0] <= nanoTime && span[1] > nanoTime).count();
    }

    /**
     * What clients were told, folded: per acknowledged order, {@code user/product/q<quantity>/<status>/v<version>}
     * after its acknowledged commands in the order of the versions they answered. An order whose
     * acknowledged versions are not 1..n (a command acknowledged twice with different versions, or a
     * version nobody was told) is in {@link #ledgerGaps} instead.
     */
    Map<String, String> expectedOrders() {
        Map<String, String> expected = new java.util.HashMap<>();
        ledger.forEach((order, commands) -> {
            if (!contiguous(commands)) {
                return;
            }
            JsonObject placed = json(commands.get(1).body());
            String user = placed.getString("user_id");
            String product = placed.getString("product_id");
            int quantity = placed.getInt("quantity");
            String status = "PENDING";
            for (int version = 2; version <= commands.size(); version++) {
                Command command = commands.get(version);
                if (command.method().equals("PUT")) {
                    quantity = json(command.body()).getInt("quantity");
                } else {
                    status = switch (command.path().substring(command.path().lastIndexOf('/') + 1)) {
                        case "confirm" -> "CONFIRMED";
                        case "ship" -> "SHIPPED";
                        case "cancel" -> "CANCELLED";
                        default -> throw new IllegalStateException("not an order transition: " + command);
                    };
                }
            }
            expected.put(order, user + "/" + product + "/q" + quantity + "/" + status + "/v" + commands.size());
        });
        return expected;
    }

    /** Orders whose acknowledged versions are not exactly 1..n, with what was acknowledged. */
    Map<String, String> ledgerGaps() {
        Map<String, String> gaps = new java.util.TreeMap<>();
        ledger.forEach((order, commands) -> {
            if (!contiguous(commands)) {
                gaps.put(order, "acknowledged versions " + new java.util.TreeSet<>(commands.keySet()));
            }
        });
        return gaps;
    }

    private static boolean contiguous(Map<Integer, Command> commands) {
        for (int version = 1; version <= commands.size(); version++) {
            if (!commands.containsKey(version)) {
                return false;
            }
        }
        return commands.get(1).method().equals("POST") && commands.get(1).orderId() == null;
    }

    /** One attempt: the response, or empty when the connection failed or timed out. */
    private Optional<HttpResponse<String>> attempt(Command command, Random random) {
        List<URI> live = targets.get();
        URI base = live.get(random.nextInt(live.size()));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(command.path()))
                .timeout(Duration.ofSeconds(15))
                .header("Idempotency-Key", command.key())
                .header("Authorization", "Bearer " + TOKEN)
                .method(command.method(), command.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(command.body()));
        if (command.body() != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return Optional.of(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Behind a load balancer: its own 502 or 504 (the instance it had sent the request to died or did
     * not answer in time) is booked as a lost connection, the balancer's way of saying it, not as the
     * application's 5xx.
     */
    CommandLoad behindBalancer() {
        behindBalancer = true;
        return this;
    }

    private boolean fromBalancer(HttpResponse<String> response) {
        return behindBalancer && (response.statusCode() == 502 || response.statusCode() == 504)
                && !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
    }

    /** Books an answer; answers whether it was definite. */
    private boolean record(Command command, Optional<HttpResponse<String>> answer, boolean firstAttempt) {
        if (answer.isEmpty() || answer.get().statusCode() >= 500) {
            if (answer.isPresent() && !fromBalancer(answer.get())) {
                serverErrors.incrementAndGet();
                checkUnavailable(command, answer.get());
            }
            if (firstAttempt) {
                failedOrLost.incrementAndGet();
                unknown.add(command);
            }
            return false;
        }
        HttpResponse<String> response = answer.get();
        int status = response.statusCode();
        if (status >= 400) {
            refused.incrementAndGet();
            refusedKeys.add(command.key());
            return true;
        }
        JsonObject body = json(response.body());
        String orderId = body.getString("order_id");
        int version = body.getInt("version");
        ackedVersions.computeIfAbsent(orderId, id -> ConcurrentHashMap.newKeySet()).add(version);
        Command before = ledger.computeIfAbsent(orderId, id -> new ConcurrentHashMap<>()).putIfAbsent(version, command);
        if (before != null && !before.key().equals(command.key())) {
            violations.add("two commands acknowledged with version " + version + " of " + orderId + ": " + before
                    + " and " + command);
        }
        acked.incrementAndGet();
        if (!firstAttempt && "true".equals(response.headers().firstValue("Idempotent-Replayed").orElse(""))) {
            replayedAsCommitted.incrementAndGet();
        }
        return true;
    }

    /** A 5xx must be the documented 503 with Retry-After, never a 500. */
    private void checkUnavailable(Command command, HttpResponse<String> response) {
        if (response.statusCode() != 503 || response.headers().firstValue("Retry-After").isEmpty()
                || !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            violations.add(command + " answered " + response.statusCode() + " " + response.headers().map() + " "
                    + response.body());
        }
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
