import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A first measuring stick for the transport (the full harness is bench/'s job in issue 4).
 *
 *   java bench/ViewLag.java lag  [orders=1000] [base=http://localhost:8080]
 *     one order at a time: time from the 201 of POST /orders to GET /orders/{id} answering 200
 *     (polled every 0.5 ms), p50/p90/p99/max.
 *   java bench/ViewLag.java post [connections=8] [seconds=20] [base=http://localhost:8080]
 *     POST /orders from N connections in closed loop: rate of 201s and latency percentiles.
 *   java bench/ViewLag.java probe SECONDS INTERVAL_MS BASE GO_FILE
 *     bench/run's lag phases, beside its paced load: after 20 orders of warm-up prints READY and
 *     waits for GO_FILE to exist; then for SECONDS places one order every INTERVAL_MS (one at a
 *     time; BENCH_USER's, of BENCH_PRODUCT, if set) and times each from its 201 to the first
 *     GET /orders/{id} that answers 200 (polled every 0.5 ms). Prints each failure, then
 *     "VIEWLAG p50 p99 max orders failures" (ms, nearest rank; "-" without a measured order).
 *   java bench/ViewLag.java streams SECONDS INTERVAL_MS BASE GO_FILE STREAMS
 *     bench/run's streams phase (issue 19): registers a customer of its own, opens STREAMS server-sent
 *     event streams of GET /orders/changes?user_id=<it> (so that they carry its orders only, not the
 *     paced load's), prints READY once each has answered, waits for GO_FILE; then for SECONDS places one
 *     order of it every INTERVAL_MS and times each from its 201 to the arrival of its event on every
 *     stream. Prints "STREAMLAG p50 p99 max events missing" (ms over every (order, stream) pair;
 *     missing: pairs whose event did not arrive within 5 s of the last order).
 */
public class ViewLag {

    private static final Pattern ID = Pattern.compile("\"(?:order|product|user)_id\":\"([0-9a-f-]{36})\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "lag";
        if (mode.equals("streams")) {
            streams(args[3], Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[4]), Integer.parseInt(args[5]));
        } else if (mode.equals("probe")) {
            probe(args[3], Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[4]));
        } else if (mode.equals("lag")) {
            int orders = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
            String base = args.length > 2 ? args[2] : "http://localhost:8080";
            lag(base, orders);
        } else {
            int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
            int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
            String base = args.length > 3 ? args[3] : "http://localhost:8080";
            post(base, connections, seconds);
        }
    }

    private static void lag(String base, int orders) throws Exception {
        String order = orderBody(base);
        for (int i = 0; i < 50; i++) {
            awaitView(base, placeOrder(base, order)); // warm-up
        }
        List<Long> lags = new ArrayList<>();
        List<Long> posts = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            long start = System.nanoTime();
            String id = placeOrder(base, order);
            long answered = System.nanoTime();
            awaitView(base, id);
            posts.add(answered - start);
            lags.add(System.nanoTime() - answered);
        }
        System.out.printf("orders=%d  201->view visible: %s%n", orders, percentiles(lags));
        System.out.printf("            POST /orders latency:  %s%n", percentiles(posts));
    }

    private static void probe(String base, int seconds, int intervalMs, Path go) throws Exception {
        String user = System.getenv("BENCH_USER");
        String product = System.getenv("BENCH_PRODUCT");
        String order = user != null && product != null ? orderBody(user, product) : orderBody(base);
        for (int i = 0; i < 20; i++) {
            awaitView(base, placeOrder(base, order)); // warm-up (also of this JVM)
        }
        System.out.println("READY");
        System.out.flush();
        while (!Files.exists(go)) {
            LockSupport.parkNanos(1_000_000);
        }
        List<Long> lags = new ArrayList<>();
        int failures = 0;
        long interval = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long next = System.nanoTime(); next < end; next = Math.max(next + interval, System.nanoTime())) {
            LockSupport.parkNanos(next - System.nanoTime()); // no catching up in bursts after a slow one
            try {
                String id = placeOrder(base, order);
                long answered = System.nanoTime();
                awaitView(base, id);
                lags.add(System.nanoTime() - answered);
            } catch (Exception e) {
                failures++;
                System.out.println("failed: " + e);
            }
        }
        List<Long> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        String figures = sorted.isEmpty() ? "- - -" : String.format(Locale.ROOT, "%.1f %.1f %.1f", at(sorted, 0.50),
                at(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6);
        System.out.println("VIEWLAG " + figures + " " + sorted.size() + " " + failures);
    }

    private static void streams(String base, int seconds, int intervalMs, Path go, int streams) throws Exception {
        String product = System.getenv("BENCH_PRODUCT");
        String order = product != null ? orderBody(id(send(base, "POST", "/users",
                "{\"email\":\"streams-" + UUID.randomUUID() + "@example.com\"}", 201)), product) : orderBody(base);
        Matcher user = Pattern.compile("\"user_id\":\"([0-9a-f-]{36})\"").matcher(order);
        user.find();
        // Per order id: its 201's time, then per stream the arrival of its event.
        java.util.Map<String, Long> answered = new java.util.concurrent.ConcurrentHashMap<>();
        List<java.util.Map<String, Long>> arrivals = new ArrayList<>();
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(streams);
        List<HttpResponse<java.util.stream.Stream<String>>> responses = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            java.util.Map<String, Long> mine = new java.util.concurrent.ConcurrentHashMap<>();
            arrivals.add(mine);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/orders/changes?user_id=" + user.group(1)))
                    .header("Accept", "text/event-stream");
            String token = System.getenv("BENCH_TOKEN");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream " + s + " answered " + response.statusCode());
            }
            responses.add(response);
            Thread reader = new Thread(() -> {
                boolean first = true;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (first) {
                            open.countDown();
                            first = false;
                        }
                        if (line.startsWith("data:")) {
                            Matcher id = ID.matcher(line);
                            if (id.find()) {
                                mine.putIfAbsent(id.group(1), System.nanoTime());
                            }
                        }
                    }
                } catch (java.io.UncheckedIOException closed) {
                    // closed by the probe at its end (or by the server): what arrived is counted
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
        if (!open.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not every stream answered within 30 s");
        }
        System.out.println("READY");
        System.out.flush();
        while (!Files.exists(go)) {
            LockSupport.parkNanos(1_000_000);
        }
        long interval = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long next = System.nanoTime(); next < end; next = Math.max(next + interval, System.nanoTime())) {
            LockSupport.parkNanos(next - System.nanoTime());
            String id = placeOrder(base, order);
            answered.put(id, System.nanoTime());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && arrivals.stream().anyMatch(a -> !a.keySet().containsAll(answered.keySet()))) {
            LockSupport.parkNanos(10_000_000);
        }
        List<Long> lags = new ArrayList<>();
        int missing = 0;
        for (java.util.Map<String, Long> mine : arrivals) {
            for (java.util.Map.Entry<String, Long> sent : answered.entrySet()) {
                Long at = mine.get(sent.getKey());
                if (at == null) {
                    missing++;
                } else {
                    lags.add(at - sent.getValue());
                }
            }
        }
        responses.forEach(r -> r.body().close());
        Collections.sort(lags);
        String figures = lags.isEmpty() ? "- - -" : String.format(Locale.ROOT, "%.1f %.1f %.1f", at(lags, 0.50),
                at(lags, 0.99), lags.get(lags.size() - 1) / 1e6);
        System.out.println("STREAMLAG " + figures + " " + lags.size() + " " + missing);
    }

    private static void post(String base, int connections, int seconds) throws Exception {
        String order = orderBody(base);
        for (int i = 0; i < 200; i++) {
            placeOrder(base, order); // warm-up
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong failures = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long started = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    try {
                        placeOrder(base, order);
                        latencies.add(System.nanoTime() - t);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - started) / 1e9;
        System.out.printf("connections=%d  201/s=%.0f  failures=%d  latency: %s%n", connections,
                latencies.size() / elapsed, failures.get(), percentiles(latencies));
    }

    private static String orderBody(String base) throws Exception {
        String product = id(send(base, "POST", "/products", "{\"name\":\"Bench beans\",\"price\":12.50}", 201));
        String user = id(send(base, "POST", "/users", "{\"email\":\"bench-" + UUID.randomUUID() + "@example.com\"}", 201));
        return orderBody(user, product);
    }

    private static String orderBody(String user, String product) {
        return "{\"user_id\":\"" + user + "\",\"product_id\":\"" + product + "\",\"quantity\":1}";
    }

    private static String placeOrder(String base, String body) throws Exception {
        return id(send(base, "POST", "/orders", body, 201));
    }

    private static void awaitView(String base, String orderId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (send(base, "GET", "/orders/" + orderId, null, -1).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("order " + orderId + " not visible after 30 s");
            }
            LockSupport.parkNanos(500_000);
        }
    }

    private static HttpResponse<String> send(String base, String method, String path, String body, int expected)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        String token = System.getenv("BENCH_TOKEN");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expected > 0 && response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static String id(HttpResponse<String> response) {
        Matcher m = ID.matcher(response.body());
        if (!m.find()) {
            throw new IllegalStateException("no id in " + response.body());
        }
        return m.group(1);
    }

    private static String percentiles(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return String.format("p50=%.1f ms  p90=%.1f ms  p99=%.1f ms  max=%.1f ms", at(sorted, 0.50), at(sorted, 0.90),
                at(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6);
    }

    private static double at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }
}
