package dev.cqrs.orders.scenario;

import static org.awaitility.Awaitility.await;
import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TableSnapshot;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The built WAR at the root context, used over HTTP the way the README's curl session does. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OrderScenarioIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem system = OrderSystem.atTestPort();

    @Test
    void placeAnOrderAndReadItBack() {
        String productId = system.createProduct("Espresso beans 1kg", "24.90");
        String email = "ada-" + UUID.randomUUID() + "@example.com";
        String userId = system.registerUser(email);
        String orderId = system.placeOrder(userId, productId, 2);

        OrderSystem.Answer view = await().atMost(Duration.ofSeconds(30))
                .until(() -> system.get("orders/" + orderId), answer -> answer.status() == 200);
        assertEquals("application/json", view.header("Content-Type").orElse(""));
        JsonObject order = view.json();
        assertEquals(orderId, order.getString("order_id"));
        assertEquals(userId, order.getString("user_id"));
        assertEquals(productId, order.getString("product_id"));
        assertEquals(2, order.getInt("quantity"));
        assertEquals("PENDING", order.getString("status"));
        assertEquals("Espresso beans 1kg", order.getString("product_name"));
        assertEquals(email, order.getString("user_email"));
        assertEquals(new BigDecimal("49.80"), order.getJsonNumber("total_price").bigDecimalValue());
        assertEquals(1, order.getInt("version"));
        assertEquals(order.getString("created_at"), order.getString("updated_at"));
    }

    @Test
    void anUnknownOrderIsA404Problem() {
        OrderSystem.Answer answer = system.get("orders/" + UUID.randomUUID());
        assertProblem(answer, 404, "not-found");
        assertProblem(system.get("orders/not-a-uuid"), 400, "invalid-input");
    }

    @Test
    void badInputIsA400ThatNamesTheFieldsAndLeavesNoTrace() {
        String productId = system.createProduct("Tea", "3.00");
        String userId = system.registerUser("tea-" + UUID.randomUUID() + "@example.com");
        Map<String, List<String>> cases = Map.of(
                "{\"product_id\":\"" + productId + "\",\"quantity\":1}", List.of("user_id"),
                "{\"user_id\":\"" + userId + "\",\"product_id\":\"" + productId + "\",\"quantity\":0}", List.of("quantity"),
                "{\"user_id\":\"" + userId + "\",\"product_id\":42,\"quantity\":\"many\"}", List.of("product_id", "quantity"),
                "{\"user_id\":\"" + userId + "\",\"product_id\":\"" + productId + "\",\"quantity\":1,\"discount\":5}", List.of("discount"));
        TableSnapshot before = TableSnapshot.whenQuiet();
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            OrderSystem.Answer answer = system.postJson("orders", c.getKey());
            assertProblem(answer, 400, "invalid-input");
            assertEquals(c.getValue(), answer.json().getJsonArray("errors").stream()
                    .map(e -> e.asJsonObject().getString("field")).collect(Collectors.toList()), c.getKey());
        }
        assertProblem(system.postJson("orders", "{\"user_id\": "), 400, "malformed-body");
        // The parser's own limits are bad input too, never a 500.
        assertProblem(system.postJson("orders", "{\"quantity\":" + "1".repeat(1200) + "}"), 400, "malformed-body");
        assertProblem(system.postJson("orders", "{\"quantity\":1e9999999999}"), 400, "malformed-body");
        assertProblem(system.postJson("orders", "{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}"), 400,
                "malformed-body");
        assertProblem(system.post("orders", "text/plain", "quantity=1"), 415, "unsupported-media-type");
        assertProblem(system.postJson("products", "{\"name\":\"Cup\",\"price\":-1}"), 400, "invalid-input");
        assertProblem(system.postJson("users", "{\"email\":\"not-an-address\"}"), 400, "invalid-input");
        before.assertNoTraceSince("refused commands with bad input");
    }

    @Test
    void referencesToUnknownProductsOrUsersAre422NamingTheField() {
        String productId = system.createProduct("Mug", "8.00");
        String userId = system.registerUser("mug-" + UUID.randomUUID() + "@example.com");
        TableSnapshot before = TableSnapshot.whenQuiet();
        OrderSystem.Answer unknownProduct = system.placeOrderAnswer(userId, UUID.randomUUID().toString());
        assertProblem(unknownProduct, 422, "unknown-reference");
        assertEquals("product_id", unknownProduct.json().getJsonArray("errors").getJsonObject(0).getString("field"));
        OrderSystem.Answer unknownUser = system.placeOrderAnswer(UUID.randomUUID().toString(), productId);
        assertProblem(unknownUser, 422, "unknown-reference");
        assertEquals("user_id", unknownUser.json().getJsonArray("errors").getJsonObject(0).getString("field"));
        before.assertNoTraceSince("orders refused for unknown references");
    }

    @Test
    void anEmailIsRegisteredOnce() {
        String email = "once-" + UUID.randomUUID() + "@example.com";
        system.registerUser(email);
        assertProblem(system.postJson("users", "{\"email\":\"" + email.toUpperCase() + "\"}"), 409,
                "conflict");
    }
}
