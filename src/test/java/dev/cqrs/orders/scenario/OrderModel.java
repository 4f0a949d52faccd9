package dev.cqrs.orders.scenario;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The domain as the tests understand it, kept apart from the application: products, users and
 * orders changed only by commands the service acknowledged, each at the version its answer gave.
 * Every change checks that its version is the next one (a version told twice is a lost update, one
 * skipped a commit no client was told of) and that the order's state allowed it; what every view
 * must show is computed from here, never read from the app.
 */
final class OrderModel {

    static final List<String> STATUSES = List.of("PENDING", "CONFIRMED", "SHIPPED", "CANCELLED");

    /** The commands on an existing order, with the states that allow each. */
    enum OrderAction {
        QUANTITY(Set.of("PENDING")),
        CONFIRM(Set.of("PENDING")),
        SHIP(Set.of("CONFIRMED")),
        CANCEL(Set.of("PENDING", "CONFIRMED"));

        private final Set<String> allowedFrom;

        OrderAction(Set<String> allowedFrom) {
            this.allowedFrom = allowedFrom;
        }

        boolean allowedFrom(String status) {
            return allowedFrom.contains(status);
        }

        /** Sends it: {@code PUT /orders/{id} {quantity}} or {@code POST /orders/{id}/<action>}. */
        OrderSystem.Answer send(OrderSystem system, String orderId, int quantity, String... headers) {
            return this == QUANTITY ? system.putJson("orders/" + orderId, "{\"quantity\":" + quantity + "}", headers)
                    : system.transition(orderId, name().toLowerCase(), headers);
        }

        String statusAfter(String status) {
            return switch (this) {
                case QUANTITY -> status;
                case CONFIRM -> "CONFIRMED";
                case SHIP -> "SHIPPED";
                case CANCEL -> "CANCELLED";
            };
        }
    }

    static final class Product {
        String name;
        BigDecimal price;
        int version = 1;

        Product(String name, BigDecimal price) {
            this.name = name;
            this.price = price;
        }
    }

    static final class User {
        String email;
        int version = 1;

        User(String email) {
            this.email = email;
        }
    }

    static final class Order {
        final String userId;
        final String productId;
        final BigDecimal unitPrice;
        int quantity;
        String status = "PENDING";
        /** The status at each version, from version 1. */
        final List<String> statusAt = new ArrayList<>(List.of("PENDING"));

        Order(String userId, String productId, BigDecimal unitPrice, int quantity) {
            this.userId = userId;
            this.productId = productId;
            this.unitPrice = unitPrice;
            this.quantity = quantity;
        }

        int version() {
            return statusAt.size();
        }

        BigDecimal total() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }

        boolean counts() {
            return !status.equals("CANCELLED");
        }
    }

    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Order> orders = new LinkedHashMap<>();

    // --- acknowledged commands -------------------------------------------------------------------

    void productAdded(String id, int version, String name, BigDecimal price) {
        created("product " + id, version, products.containsKey(id));
        products.put(id, new Product(name, price));
    }

    /** A change of name or price ({@code null}: unchanged). */
    void productChanged(String id, int version, String name, BigDecimal price) {
        Product product = existing(products, "product", id);
        product.version = next("product " + id, product.version, version);
        if (name != null) {
            product.name = name;
        }
        if (price != null) {
            product.price = price;
        }
    }

    void userRegistered(String id, int version, String email) {
        created("user " + id, version, users.containsKey(id));
        users.put(id, new User(email));
    }

    void emailChanged(String id, int version, String email) {
        User user = existing(users, "user", id);
        user.version = next("user " + id, user.version, version);
        user.email = email;
    }

    /** An order placed now: at the product's current price. */
    void orderPlaced(String id, int version, String userId, String productId, int quantity) {
        created("order " + id, version, orders.containsKey(id));
        existing(users, "user", userId);
        orders.put(id, new Order(userId, productId, existing(products, "product", productId).price, quantity));
    }

    void orderChanged(String id, int version, OrderAction action, int quantity) {
        Order order = existing(orders, "order", id);
        next("order " + id, order.version(), version);
        assertTrue(action.allowedFrom(order.status), "order " + id + ": " + action + " acknowledged at version "
                + version + " although the order was " + order.status);
        if (action == OrderAction.QUANTITY) {
            order.quantity = quantity;
        }
        order.status = action.statusAfter(order.status);
        order.statusAt.add(order.status);
    }

    private static void created(String what, int version, boolean known) {
        assertEquals(1, version, what + ": a creation answered another version than 1");
        assertTrue(!known, what + ": created twice");
    }

    private static int next(String what, int current, int acknowledged) {
        assertEquals(current + 1, acknowledged, what + ": acknowledged version " + acknowledged + " after " + current
                + " (a version told twice is a lost update, one skipped a commit no client was told of)");
        return acknowledged;
    }

    private static <T> T existing(Map<String, T> map, String what, String id) {
        T value = map.get(id);
        assertTrue(value != null, what + " " + id + " changed before it was created");
        return value;
    }

    // --- what the model says ---------------------------------------------------------------------

    List<String> productIds() {
        return List.copyOf(products.keySet());
    }

    List<String> userIds() {
        return List.copyOf(users.keySet());
    }

    List<String> orderIds() {
        return List.copyOf(orders.keySet());
    }

    Product product(String id) {
        return products.get(id);
    }

    Order order(String id) {
        return orders.get(id);
    }

    /** The order's status at {@code version}; fails if it never reached that version. */
    String statusAt(String orderId, int version) {
        Order order = existing(orders, "order", orderId);
        assertTrue(version >= 1 && version <= order.version(), "order " + orderId + " never was at version " + version
                + " (it reached " + order.version() + ")");
        return order.statusAt.get(version - 1);
    }

    // --- the views against the model -------------------------------------------------------------

    /**
     * Waits (30 s each) until every view of the model's users, products and orders equals the model,
     * and fails naming the first difference if one does not; {@code context} starts every message.
     * Each user's order list must hold exactly the model's orders: a phantom order fails too.
     */
    /** Every view read by key that the model knows: orders, products and users ({@code orders/<id>}, ...). */
    List<String> viewsByKey() {
        List<String> paths = new ArrayList<>();
        orders.keySet().forEach(id -> paths.add("orders/" + id));
        products.keySet().forEach(id -> paths.add("products/" + id));
        users.keySet().forEach(id -> paths.add("users/" + id));
        return paths;
    }

    void assertViewsEqual(OrderSystem system, String context) {
        for (String userId : users.keySet()) {
            eventually(context + ": orders of user " + userId, () -> assertOrdersOf(system, userId, context));
            eventually(context + ": user " + userId, () -> assertUser(system, userId, context));
        }
        for (String productId : products.keySet()) {
            eventually(context + ": product " + productId, () -> assertProduct(system, productId, context));
        }
    }

    private static void eventually(String alias, Runnable assertion) {
        await(alias).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(assertion::run);
    }

    private void assertOrdersOf(OrderSystem system, String userId, String context) {
        Map<String, JsonObject> views = new HashMap<>();
        String cursor = null;
        do {
            OrderSystem.Answer page = system.get("orders?limit=100&user_id=" + userId + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), context + ": list of user " + userId + ": " + page.body());
            JsonObject body = page.json();
            body.getJsonArray("items").forEach(item -> views.put(item.asJsonObject().getString("order_id"), item.asJsonObject()));
            cursor = body.get("next_cursor") == JsonValue.NULL ? null : body.getString("next_cursor");
        } while (cursor != null);
        Map<String, Order> expected = new HashMap<>();
        orders.forEach((id, order) -> {
            if (order.userId.equals(userId)) {
                expected.put(id, order);
            }
        });
        assertEquals(expected.keySet(), views.keySet(), context + ": the orders listed for user " + userId);
        expected.forEach((id, order) -> assertOrderView(order, views.get(id), context + ", order " + id));
        // By id, through this instance's read cache: the same as the list read from read_db (issue 19).
        for (String id : expected.keySet()) {
            OrderSystem.Answer one = system.get("orders/" + id);
            assertEquals(200, one.status(), context + ": order " + id + ": " + one.body());
            assertEquals(views.get(id), one.json(), context + ": order " + id + " by id (read cache) and in its list (read_db)");
        }
    }

    private void assertOrderView(Order order, JsonObject view, String what) {
        assertEquals(order.version(), view.getInt("version"), what + ": version");
        assertEquals(order.status, view.getString("status"), what + ": status");
        assertEquals(order.quantity, view.getInt("quantity"), what + ": quantity");
        assertEquals(order.unitPrice, view.getJsonNumber("unit_price").bigDecimalValue(), what + ": unit_price");
        assertEquals(order.total(), view.getJsonNumber("total_price").bigDecimalValue(), what + ": total_price");
        assertEquals(order.userId, view.getString("user_id"), what + ": user_id");
        assertEquals(order.productId, view.getString("product_id"), what + ": product_id");
        assertEquals(products.get(order.productId).name, view.getString("product_name"), what + ": product_name");
        assertEquals(users.get(order.userId).email, view.getString("user_email"), what + ": user_email");
    }

    private void assertUser(OrderSystem system, String userId, String context) {
        User user = users.get(userId);
        String what = context + ", user " + userId;
        JsonObject view = okJson(system, "users/" + userId, what);
        assertEquals(user.version, view.getInt("version"), what + ": version");
        assertEquals(user.email, view.getString("email"), what + ": email");
        JsonObject summary = okJson(system, "users/" + userId + "/summary", what);
        assertEquals(user.email, summary.getString("user_email"), what + ": summary's user_email");
        JsonObject counts = summary.getJsonObject("orders_by_status");
        for (String status : STATUSES) {
            long expected = ordersOf(o -> o.userId.equals(userId) && o.status.equals(status)).size();
            assertEquals(expected, counts.getInt(status), what + ": summary's " + status + " orders");
        }
        assertEquals(sum(ordersOf(o -> o.userId.equals(userId) && o.counts())),
                summary.getJsonNumber("total_spent").bigDecimalValue(), what + ": summary's total_spent");
    }

    private void assertProduct(OrderSystem system, String productId, String context) {
        Product product = products.get(productId);
        String what = context + ", product " + productId;
        JsonObject view = okJson(system, "products/" + productId, what);
        assertEquals(product.version, view.getInt("version"), what + ": version");
        assertEquals(product.name, view.getString("name"), what + ": name");
        assertEquals(product.price, view.getJsonNumber("price").bigDecimalValue(), what + ": price");
        JsonObject sales = okJson(system, "products/" + productId + "/sales", what);
        List<Order> sold = ordersOf(o -> o.productId.equals(productId) && o.counts());
        assertEquals(product.name, sales.getString("product_name"), what + ": sales' product_name");
        assertEquals(sold.stream().mapToLong(o -> o.quantity).sum(), sales.getJsonNumber("units_sold").longValue(),
                what + ": units_sold");
        assertEquals(sum(sold), sales.getJsonNumber("revenue").bigDecimalValue(), what + ": revenue");
    }

    private List<Order> ordersOf(Predicate<Order> filter) {
        return orders.values().stream().filter(filter).toList();
    }

    private static BigDecimal sum(List<Order> orders) {
        return orders.stream().map(Order::total).reduce(new BigDecimal("0.00"), BigDecimal::add);
    }

    private static JsonObject okJson(OrderSystem system, String path, String what) {
        OrderSystem.Answer answer = system.get(path);
        assertEquals(200, answer.status(), what + ": GET " + path + ": " + answer.body());
        return answer.json();
    }
}
