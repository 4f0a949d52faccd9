package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.scenario.OrderModel.OrderAction;
import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded random commands over HTTP, checked against {@link OrderModel}, a model of the domain kept
 * by the test; then every view (order lists, users, summaries, products, sales) must come to equal
 * what the model computes. Two runs per seed: one client whose every answer the model predicts
 * (200 or a 409 for a forbidden transition), and several clients at once on the same few orders,
 * products and users, some with {@code If-Match}, whose acknowledged commands are folded into the
 * model afterwards (a 409 or 412 leaves it unchanged) and whose refusals must be justified by it.
 * Each run takes {@value #SEEDS_BY_DEFAULT} fresh seeds ({@code -Drandomized.seeds=N} for N), printed
 * and named in every failure; {@code -Drandomized.seed=S} replays one (the concurrent run replays
 * each client's choices, not their interleaving).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RandomizedScenarioIT {

    private static final int SEEDS_BY_DEFAULT = 3;
    private static final int COMMANDS = 300;
    private static final int CLIENTS = 4;
    private static final int COMMANDS_PER_CLIENT = 60;
    private static final List<Long> SEEDS = seeds();

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    /** {@code -Drandomized.seed=S}: S alone; else {@code -Drandomized.seeds=N} (default 3) fresh ones. */
    private static List<Long> seeds() {
        String one = System.getProperty("randomized.seed", "").trim();
        String count = System.getProperty("randomized.seeds", "").trim();
        List<Long> seeds = !one.isEmpty() ? List.of(Long.parseLong(one))
                : LongStream.generate(new SecureRandom()::nextLong).limit(count.isEmpty() ? SEEDS_BY_DEFAULT
                : Integer.parseInt(count)).boxed().toList();
        System.out.println("RandomizedScenarioIT seeds " + seeds + " (replay one: -Drandomized.seed=S)");
        return seeds;
    }

    @FunctionalInterface
    private interface Run {
        void with(long seed) throws Exception;
    }

    /** Runs {@code run} for every seed; a failure names its seed, however deep it was raised. */
    private static void forEverySeed(Run run) {
        for (long seed : SEEDS) {
            try {
                run.with(seed);
            } catch (Throwable failure) {
                throw new AssertionError("seed " + seed + " (replay: -Drandomized.seed=" + seed + "): " + failure.getMessage(),
                        failure);
            }
        }
    }

    private static String context(long seed) {
        return "seed " + seed;
    }

    @Test
    void everyViewEqualsTheModelAfterARandomRun() {
        forEverySeed(this::oneClient);
    }

    @Test
    void concurrentClientsOnTheSameAggregatesLeaveEveryViewEqualToTheModel() {
        forEverySeed(this::concurrentClients);
    }

    // --- one client: every answer predicted ------------------------------------------------------

    private void oneClient(long seed) {
        Random random = new Random(seed);
        String run = UUID.randomUUID().toString().substring(0, 8);
        OrderModel model = new OrderModel();
        for (int i = 0; i < 4; i++) {
            BigDecimal price = cents(random);
            String name = "P" + i + "-" + run;
            model.productAdded(system.createProduct(name, price.toPlainString()), 1, name, price);
            String email = "u" + i + "-" + run + "@example.com";
            model.userRegistered(system.registerUser(email), 1, email);
        }
        List<String> productIds = model.productIds();
        List<String> userIds = model.userIds();
        for (int step = 0; step < COMMANDS; step++) {
            String where = context(seed) + ", step " + step;
            int dice = random.nextInt(100);
            List<String> orderIds = model.orderIds();
            if (dice < 30 || orderIds.isEmpty()) {
                String userId = pick(random, userIds);
                String productId = pick(random, productIds);
                int quantity = 1 + random.nextInt(5);
                model.orderPlaced(system.placeOrder(userId, productId, quantity), 1, userId, productId, quantity);
            } else if (dice < 80) {
                String id = pick(random, orderIds);
                OrderAction action = OrderAction.values()[random.nextInt(OrderAction.values().length)];
                int quantity = 1 + random.nextInt(9);
                boolean allowed = action.allowedFrom(model.order(id).status);
                OrderSystem.Answer answer = action.send(system, id, quantity);
                if (allowed) {
                    assertEquals(200, answer.status(), where + ": " + action + " of a " + model.order(id).status + " order: "
                            + answer.body());
                    model.orderChanged(id, answer.json().getInt("version"), action, quantity);
                } else {
                    assertProblem(answer, 409, "invalid-transition");
                }
            } else if (dice < 90) {
                String id = pick(random, productIds);
                boolean rename = random.nextBoolean();
                String name = rename ? "P" + step + "-" + run : null;
                BigDecimal price = rename ? null : cents(random);
                OrderSystem.Answer answer = system.putJson("products/" + id,
                        rename ? "{\"name\":\"" + name + "\"}" : "{\"price\":" + price.toPlainString() + "}");
                assertEquals(200, answer.status(), where + ": change of product " + id + ": " + answer.body());
                model.productChanged(id, answer.json().getInt("version"), name, price);
            } else {
                String id = pick(random, userIds);
                String email = "changed-" + step + "-" + run + "@example.com";
                OrderSystem.Answer answer = system.putJson("users/" + id, "{\"email\":\"" + email + "\"}");
                assertEquals(200, answer.status(), where + ": e-mail change of user " + id + ": " + answer.body());
                model.emailChanged(id, answer.json().getInt("version"), email);
            }
        }
        assertViewsEqualTheModel(model, context(seed));
    }

    // --- several clients on the same aggregates --------------------------------------------------

    private void concurrentClients(long seed) throws Exception {
        Random random = new Random(seed);
        String run = UUID.randomUUID().toString().substring(0, 8);
        AnswerLedger ledger = new AnswerLedger();
        List<String> products = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            products.add(ledger.addProduct(system, "C" + i + "-" + run, cents(random)));
            users.add(ledger.registerUser(system, "c" + i + "-" + run + "@example.com"));
        }
        List<String> orders = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
            orders.add(ledger.placedOrder(system, users.get(i % 2), products.get(i % 2), 1 + random.nextInt(5)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Integer>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Client client = new Client(ledger, new Random(seed * 31 + c), orders, products, users,
                    context(seed) + ", client " + c, run + "-" + c);
            clients.add(pool.submit(client::run));
        }
        pool.shutdown();
        int acceptedWithIfMatch = 0;
        for (Future<Integer> client : clients) {
            // A client that failed an assertion or lost a connection fails the test here.
            acceptedWithIfMatch += client.get(2, TimeUnit.MINUTES);
        }
        String where = context(seed);
        assertEquals(List.of(), ledger.serverErrors(), where + ": answers neither 2xx nor 4xx");
        assertTrue(Set.of("409 invalid-transition", "412 version-mismatch").containsAll(ledger.refusals().keySet()),
                where + ": refusals other than a forbidden transition (409) or a stale If-Match (412): " + ledger.refusals());
        assertTrue(acceptedWithIfMatch > 0, where + ": no command with If-Match was accepted: " + ledger.refusals());
        OrderModel model = ledger.fold();
        ledger.assertRefusalsJustified(model);
        assertViewsEqualTheModel(model, where);
    }

    /**
     * One client: commands on random orders (and products, users) of the shared lists, with
     * {@code If-Match} of the version it last saw in six of ten; after a 412 it reads the view again.
     * Answers how many of its commands with If-Match were accepted.
     */
    private final class Client {
        private final AnswerLedger ledger;
        private final Random random;
        private final List<String> orders;
        private final List<String> products;
        private final List<String> users;
        private final String who;
        private final String tag;
        private final Map<String, Integer> seen = new HashMap<>();

        Client(AnswerLedger ledger, Random random, List<String> orders, List<String> products, List<String> users,
               String who, String tag) {
            this.ledger = ledger;
            this.random = random;
            this.orders = orders;
            this.products = products;
            this.users = users;
            this.who = who;
            this.tag = tag;
        }

        int run() {
            int acceptedWithIfMatch = 0;
            for (int step = 0; step < COMMANDS_PER_CLIENT; step++) {
                int dice = random.nextInt(100);
                boolean conditional = random.nextInt(10) < 6;
                String aggregate;
                Integer ifMatch = null;
                OrderSystem.Answer answer;
                if (dice < 15) {
                    aggregate = null;
                    answer = ledger.placeOrder(system, pick(random, users), pick(random, products), 1 + random.nextInt(5));
                } else if (dice < 85) {
                    aggregate = pick(random, orders);
                    ifMatch = conditional ? lastSeen("orders/", aggregate) : null;
                    answer = ledger.changeOrder(system, aggregate, OrderAction.values()[random.nextInt(OrderAction.values().length)],
                            1 + random.nextInt(9), ifMatch);
                } else if (dice < 93) {
                    aggregate = pick(random, products);
                    ifMatch = conditional ? lastSeen("products/", aggregate) : null;
                    answer = ledger.renameProduct(system, aggregate, "C" + step + "-" + tag, ifMatch);
                } else {
                    aggregate = pick(random, users);
                    ifMatch = conditional ? lastSeen("users/", aggregate) : null;
                    answer = ledger.changeEmail(system, aggregate, "changed-" + step + "-" + tag + "@example.com", ifMatch);
                }
                if (answer.status() / 100 == 2) {
                    int version = answer.json().getInt("version");
                    if (ifMatch != null) {
                        assertEquals(ifMatch + 1, version, who + ", step " + step + ": version answered to a command with If-Match \""
                                + ifMatch + "\"");
                        acceptedWithIfMatch++;
                    }
                    if (aggregate == null) {
                        orders.add(answer.json().getString("order_id"));
                    } else {
                        seen.put(aggregate, version);
                    }
                } else if (answer.status() == 412) {
                    seen.remove(aggregate);
                }
            }
            return acceptedWithIfMatch;
        }

        /** The version this client last saw of an aggregate: from its answers, else from its view (null if none yet). */
        private Integer lastSeen(String collection, String id) {
            return seen.computeIfAbsent(id, k -> {
                OrderSystem.Answer view = system.get(collection + k);
                return view.status() == 200 ? view.json().getInt("version") : null;
            });
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static BigDecimal cents(Random random) {
        return BigDecimal.valueOf(1 + random.nextInt(99_999), 2);
    }

    /** The views equal the model, and still do once CounterFold has moved every delta into the counters. */
    private void assertViewsEqualTheModel(OrderModel model, String context) {
        model.assertViewsEqual(system, context);
        await(context + ": every counter delta folded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    try (Connection read = TestDatabases.read()) {
                        return TestDatabases.count(read,
                                "SELECT (SELECT count(*) FROM user_summaries_deltas) + (SELECT count(*) FROM product_sales_deltas)");
                    }
                }, n -> n == 0);
        model.assertViewsEqual(system, context + " (counters folded)");
        assertTheSameAnswersWithTheReadCacheOffAndOn(model, context);
    }

    /**
     * Every view read by key answers the same with the read cache turned off (read_db each time) as
     * with it on (kept rows; each read twice, so that the second is a hit) (issue 19).
     */
    private void assertTheSameAnswersWithTheReadCacheOffAndOn(OrderModel model, String context) {
        List<String> paths = model.viewsByKey();
        Map<String, String> on = new java.util.TreeMap<>();
        Map<String, String> off = new java.util.TreeMap<>();
        for (String path : paths) {
            system.get(path);
            on.put(path, system.get(path).body());
        }
        assertEquals(200, system.putJson("admin/read-cache", "{\"enabled\":false}").status());
        try {
            paths.forEach(path -> off.put(path, system.get(path).body()));
        } finally {
            assertEquals(200, system.putJson("admin/read-cache", "{\"enabled\":true}").status());
        }
        assertEquals(off, on, context + ": the views read by key with the read cache off and on");
    }
}
