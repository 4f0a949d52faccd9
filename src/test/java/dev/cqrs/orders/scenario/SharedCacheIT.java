package dev.cqrs.orders.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cqrs.orders.testsupport.CachingProxy;
import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real shared cache (Varnish, {@link CachingProxy}) in front of the service, looking up every GET
 * whoever sends it: customer B never gets customer A's answer, neither for A's order nor for the
 * same URL that answers each customer their own list, the cache stores no view at all, and
 * conditional requests still come back 304 through it (issue 19).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SharedCacheIT {

    private static final int PROXY_PORT = 18085;

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    @Test
    void aSharedCacheNeverHandsOneCustomersViewToAnotherAndStillPassesA304() throws Exception {
        OrderSystem admin = OrderSystem.atTestPort();
        String productId = admin.createProduct("Shared tea", "2.00");
        String userA = admin.registerUser("shared-a-" + UUID.randomUUID() + "@example.com");
        String userB = admin.registerUser("shared-b-" + UUID.randomUUID() + "@example.com");
        String orderOfA = admin.placeOrder(userA, productId, 1);
        String orderOfB = admin.placeOrder(userB, productId, 7);
        admin.awaitOrder(orderOfA, 1);
        admin.awaitOrder(orderOfB, 1);

        try (CachingProxy proxy = CachingProxy.inFrontOf(admin.base(), PROXY_PORT)) {
            OrderSystem viaProxy = new OrderSystem(proxy.base());
            OrderSystem a = viaProxy.as(Tokens.of(userA, "customer"));
            OrderSystem b = viaProxy.as(Tokens.of(userB, "customer"));
            String tagOfA = null;
            for (int round = 1; round <= 3; round++) {
                OrderSystem.Answer ofA = a.get("orders/" + orderOfA);
                assertEquals(200, ofA.status(), ofA.body());
                assertEquals(orderOfA, ofA.json().getString("order_id"));
                tagOfA = ofA.header("ETag").orElseThrow();
                OrderSystem.Answer bAsksForA = b.get("orders/" + orderOfA);
                assertEquals(404, bAsksForA.status(), "round " + round + ": B got " + bAsksForA.body());
                OrderSystem.Answer anonymous = viaProxy.as(null).get("orders/" + orderOfA);
                assertEquals(401, anonymous.status(), "round " + round + ": " + anonymous.body());

                // One URL, one answer per customer: each sees only their own orders.
                assertEquals(List.of(orderOfA), orderIds(a.get("orders")), "round " + round);
                assertEquals(List.of(orderOfB), orderIds(b.get("orders")), "round " + round);
                assertEquals(7, b.get("orders/" + orderOfB).json().getInt("quantity"));
                for (OrderSystem.Answer answer : List.of(ofA, bAsksForA, anonymous)) {
                    assertFalse(CachingProxy.servedFromCache(answer.headers("X-Varnish")),
                            "the shared cache served a stored answer: " + answer.headers("X-Varnish") + " " + answer.body());
                }
            }

            // Conditional requests pass through: 304 while A's view is unchanged, 200 once it changed.
            OrderSystem.Answer unchanged = a.request("GET", "orders/" + orderOfA, null, null, "If-None-Match", tagOfA);
            assertEquals(304, unchanged.status(), unchanged.body());
            assertEquals("", unchanged.body());
            assertEquals(tagOfA, unchanged.header("ETag").orElse(""));
            OrderSystem.Answer changed = a.putJson("orders/" + orderOfA, "{\"quantity\":4}", "If-Match", tagOfA);
            assertEquals(200, changed.status(), changed.body());
            admin.awaitOrder(orderOfA, 2);
            OrderSystem.Answer fresh = a.request("GET", "orders/" + orderOfA, null, null, "If-None-Match", tagOfA);
            assertEquals(200, fresh.status(), fresh.body());
            assertEquals(4, fresh.json().getInt("quantity"));
            assertNotEquals(tagOfA, fresh.header("ETag").orElse(""));
        }
    }

    private static List<String> orderIds(OrderSystem.Answer page) {
        assertEquals(200, page.status(), page.body());
        return page.json().getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("order_id")).toList();
    }
}
