package dev.cqrs.orders.scenario;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A seeded random sequence of commands over HTTP, each checked against a small model of the
 * domain kept by the test (status and version of every answer); then every view (orders, products,
 * users, summaries, sales) must come to equal what the model computes. Another seed:
 * {@code mvn verify -Dscenario.seed=N} (failsafe passes it on).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RandomizedScenarioIT {

    private static final int COMMANDS = 400;

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    private static final class Product {
        String name;
        BigDecimal price;
        int version = 1;

        Product(String name, BigDecimal price) {
            this.name = name;
            this.price = price;
        }
    }

    private static final class User {
        String email;
        int version = 1;

        User(String email) {
            this.email = email;
        }
    }

    private static final class Order {
        final String userId;
        final String productId;
        final BigDecimal unitPrice;
        int quantity;
        String status = "PENDING";
        int version = 1;

        Order(String userId, String productId, BigDecimal unitPrice, int quantity) {
            this.userId = userId;
            this.productId = productId;
            this.unitPrice = unitPrice;
            this.quantity = quantity;
        }

        BigDecimal total() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }
    }

    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Order> orders = new LinkedHashMap<>();

    @Test
    void everyViewEqualsTheModelAfterARandomRun() {
        long seed = Long.getLong("scenario.seed", 20261127L);
        Random random = new Random(seed);
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 4; i++) {
            BigDecimal price = cents(random);
            products.put(system.createProduct("P" + i + "-" + run, price.toPlainString()), new Product("P" + i + "-" + run, price));
            String email = "u" + i + "-" + run + "@example.com";
            users.put(system.registerUser(email), new User(email));
        }
        List<String> productIds = new ArrayList<>(products.keySet());
        List<String> userIds = new ArrayList<>(users.keySet());
        for (int step = 0; step < COMMANDS; step++) {
            String where = "seed " + seed + ", step " + step;
            int dice = random.nextInt(100);
            List<String> orderIds = new ArrayList<>(orders.keySet());
            if (dice < 30 || orderIds.isEmpty()) {
                String userId = userIds.get(random.nextInt(userIds.size()));
                String productId = productIds.get(random.nextInt(productIds.size()));
                int quantity = 1 + random.nextInt(5);
                String id = system.placeOrder(userId, productId, quantity);
                orders.put(id, new Order(userId, productId, products.get(productId).price, quantity));
            } else if (dice < 80) {
                String id = orderIds.get(random.nextInt(orderIds.size()));
                Order order = orders.get(id);
                String action = List.of("quantity", "confirm", "ship", "cancel").get(random.nextInt(4));
                boolean allowed = switch (action) {
                    case "quantity", "confirm" -> order.status.equals("PENDING");
                    case "ship" -> order.status.equals("CONFIRMED");
                    default -> order.status.equals("PENDING") || order.status.equals("CONFIRMED");
                };
                int quantity = 1 + random.nextInt(9);
                OrderSystem.Answer answer = action.equals("quantity")
                        ? system.putJson("orders/" + id, "{\"quantity\":" + quantity + "}")
                        : system.transition(id, action);
                assertEquals(allowed ? 200 : 409, answer.status(), where + " " + action + ": " + answer.body());
                if (allowed) {
                    switch (action) {
                        case "quantity" -> order.quantity = quantity;
                        case "confirm" -> order.status = "CONFIRMED";
                        case "ship" -> order.status = "SHIPPED";
                        default -> order.status = "CANCELLED";
                    }
                    order.version++;
                    assertEquals(order.version, answer.json().getInt("version"), where);
                }
            } else if (dice < 90) {
                String id = productIds.get(random.nextInt(productIds.size()));
                Product product = products.get(id);
                boolean rename = random.nextBoolean();
                String body = rename ? "{\"name\":\"P" + step + "-" + run + "\"}" : "{\"price\":" + cents(random) + "}";
                OrderSystem.Answer answer = system.putJson("products/" + id, body);
                assertEquals(200, answer.status(), where + ": " + answer.body());
                if (rename) {
                    product.name = "P" + step + "-" + run;
                } else {
                    product.price = new BigDecimal(body.replaceAll("[^0-9.]", ""));
                }
                product.version++;
                assertEquals(product.version, answer.json().getInt("version"), where);
            } else {
                String id = userIds.get(random.nextInt(userIds.size()));
                User user = users.get(id);
                String email = "u" + step + "-" + run + "@example.com";
                OrderSystem.Answer answer = system.putJson("users/" + id, "{\"email\":\"" + email + "\"}");
                assertEquals(200, answer.status(), where + ": " + answer.body());
                user.email = email;
                user.version++;
            }
        }
        assertViewsEqualTheModel(seed);
        // Once CounterFold has moved every delta into the counters, the summaries and sales still add up.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Connection read = TestDatabases.read()) {
                return TestDatabases.count(read, "SELECT (SELECT count(*) FROM user_summaries_deltas) + (SELECT count(*) FROM product_sales_deltas)");
            }
        }, n -> n == 0);
        assertViewsEqualTheModel(seed);
    }

    private static BigDecimal cents(Random random) {
        return BigDecimal.valueOf(1 + random.nextInt(99_999), 2);
    }

    private void assertViewsEqualTheModel(long seed) {
        for (Map.Entry<String, Order> e : orders.entrySet()) {
            Order order = e.getValue();
            Product product = products.get(order.productId);
            User user = users.get(order.userId);
            JsonObject view = system.awaitView("orders/" + e.getKey(), v -> v.getInt("version") == order.version
                    && v.getString("product_name").equals(product.name) && v.getString("user_email").equals(user.email));
            String what = "seed " + seed + ", order " + e.getKey();
            assertEquals(order.status, view.getString("status"), what);
            assertEquals(order.quantity, view.getInt("quantity"), what);
            assertEquals(order.unitPrice, view.getJsonNumber("unit_price").bigDecimalValue(), what);
            assertEquals(order.total(), view.getJsonNumber("total_price").bigDecimalValue(), what);
            assertEquals(order.userId, view.getString("user_id"), what);
            assertEquals(order.productId, view.getString("product_id"), what);
        }
        for (Map.Entry<String, User> e : users.entrySet()) {
            String userId = e.getKey();
            JsonObject summary = system.awaitView("users/" + userId + "/summary",
                    s -> s.getString("user_email").equals(e.getValue().email));
            JsonObject counts = summary.getJsonObject("orders_by_status");
            for (String status : List.of("PENDING", "CONFIRMED", "SHIPPED", "CANCELLED")) {
                long expected = orders.values().stream()
                        .filter(o -> o.userId.equals(userId) && o.status.equals(status)).count();
                assertEquals(expected, counts.getInt(status), "seed " + seed + ", " + status + " of user " + userId);
            }
            BigDecimal spent = orders.values().stream()
                    .filter(o -> o.userId.equals(userId) && !o.status.equals("CANCELLED"))
                    .map(Order::total).reduce(new BigDecimal("0.00"), BigDecimal::add);
            assertEquals(spent, summary.getJsonNumber("total_spent").bigDecimalValue(), "seed " + seed + ", user " + userId);
            JsonObject view = system.get("users/" + userId).json();
            assertEquals(e.getValue().version, view.getInt("version"));
        }
        for (Map.Entry<String, Product> e : products.entrySet()) {
            String productId = e.getKey();
            JsonObject sales = system.awaitView("products/" + productId + "/sales",
                    s -> s.getString("product_name").equals(e.getValue().name));
            long units = orders.values().stream()
                    .filter(o -> o.productId.equals(productId) && !o.status.equals("CANCELLED"))
                    .mapToLong(o -> o.quantity).sum();
            BigDecimal revenue = orders.values().stream()
                    .filter(o -> o.productId.equals(productId) && !o.status.equals("CANCELLED"))
                    .map(Order::total).reduce(new BigDecimal("0.00"), BigDecimal::add);
            assertEquals(units, sales.getJsonNumber("units_sold").longValue(), "seed " + seed + ", product " + productId);
            assertEquals(revenue, sales.getJsonNumber("revenue").bigDecimalValue(), "seed " + seed + ", product " + productId);
            JsonObject view = system.awaitView("products/" + productId, p -> p.getInt("version") == e.getValue().version);
            assertEquals(e.getValue().price, view.getJsonNumber("price").bigDecimalValue());
            assertEquals(e.getValue().name, view.getString("name"));
        }
    }
}
