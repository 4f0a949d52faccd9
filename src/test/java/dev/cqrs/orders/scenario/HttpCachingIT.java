package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.scenario.ProblemAssertions.assertProblem;
import static dev.cqrs.orders.scenario.ProblemAssertions.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The views' validators and cache directives (issue 19): a strong {@code ETag} on every view,
 * {@code If-None-Match} answered 304 without a body (RFC 9110 §13.1.2, §15.4.5), a tag that changes
 * when a denormalized part of a view does, the same tag accepted by a command's {@code If-Match},
 * {@code Cache-Control: private, no-cache} on views and {@code no-store} on everything else, and
 * {@code Vary: Authorization} everywhere (RFC 9111).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HttpCachingIT {

    private static final String VIEW_TAG = "\"1\\.[A-Za-z0-9_-]{16}\"";

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    private final OrderSystem admin = OrderSystem.atTestPort();
    private String productId;
    private String userA;
    private OrderSystem customerA;
    private String orderOfA;

    @BeforeEach
    void anOrderOfCustomerA() {
        productId = admin.createProduct("Cached tea", "3.00");
        userA = admin.registerUser("cache-a-" + UUID.randomUUID() + "@example.com");
        customerA = admin.as(Tokens.of(userA, "customer"));
        orderOfA = admin.placeOrder(userA, productId, 2);
        admin.awaitOrder(orderOfA, 1);
    }

    @Test
    void aViewAnswersItsTagAndA304WithoutBodyWhileItIsUnchanged() {
        OrderSystem.Answer first = customerA.get("orders/" + orderOfA);
        assertEquals(200, first.status(), first.body());
        String tag = first.header("ETag").orElseThrow(() -> new AssertionError("no ETag: " + first.body()));
        assertTrue(tag.matches(VIEW_TAG), tag);
        assertViewDirectives(first);

        for (String condition : List.of(tag, "W/" + tag, "*", "\"other\", " + tag)) {
            OrderSystem.Answer same = customerA.request("GET", "orders/" + orderOfA, null, null, "If-None-Match", condition);
            assertEquals(304, same.status(), condition + ": " + same.body());
            assertEquals("", same.body(), condition);
            assertEquals(tag, same.header("ETag").orElse(""), condition);
            assertViewDirectives(same);
        }
        OrderSystem.Answer other = customerA.request("GET", "orders/" + orderOfA, null, null, "If-None-Match", "\"1.other\"");
        assertEquals(200, other.status(), other.body());
        assertEquals(tag, other.header("ETag").orElse(""));
        assertEquals(first.json(), other.json());
        OrderSystem.Answer head = customerA.request("HEAD", "orders/" + orderOfA, null, null, "If-None-Match", tag);
        assertEquals(304, head.status());

        // Lists, summaries and other views: a digest of what they hold (summaries are folded a moment
        // after the order's view: a 304 once they stopped changing).
        for (String path : List.of("orders?user_id=" + userA, "users/" + userA + "/summary", "products/" + productId, "users/" + userA)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                OrderSystem.Answer view = admin.get(path);
                assertEquals(200, view.status(), path + ": " + view.body());
                String viewTag = view.header("ETag").orElseThrow(() -> new AssertionError(path + ": no ETag"));
                assertTrue(viewTag.matches(path.startsWith("users/" + userA + "/") || path.startsWith("orders?")
                        ? "\"[A-Za-z0-9_-]{16}\"" : "\"[0-9]+\\.[A-Za-z0-9_-]{16}\""), path + ": " + viewTag);
                assertViewDirectives(view);
                OrderSystem.Answer same = admin.request("GET", path, null, null, "If-None-Match", viewTag);
                assertEquals(304, same.status(), path + ": " + same.body());
                assertEquals("", same.body(), path);
            });
        }
    }

    @Test
    void aRenamedProductChangesTheTagOfItsOrdersWhoseVersionStaysWhatIfMatchChecks() {
        String before = customerA.get("orders/" + orderOfA).header("ETag").orElseThrow();
        OrderSystem.Answer renamed = admin.putJson("products/" + productId, "{\"name\":\"Cached green tea\",\"price\":3.00}");
        assertEquals(200, renamed.status(), renamed.body());
        admin.awaitView("orders/" + orderOfA, view -> view.getString("product_name").equals("Cached green tea"));

        OrderSystem.Answer after = customerA.request("GET", "orders/" + orderOfA, null, null, "If-None-Match", before);
        assertEquals(200, after.status(), "the old tag still matched a changed view: " + after.body());
        String tag = after.header("ETag").orElseThrow();
        assertTrue(tag.matches(VIEW_TAG), tag);
        assertNotEquals(before, tag);
        assertEquals("Cached green tea", after.json().getString("product_name"));

        // The view's tag names version 1, as the command's answer did: a conditional write on the same URI.
        OrderSystem.Answer changed = customerA.putJson("orders/" + orderOfA, "{\"quantity\":5}", "If-Match", tag);
        assertEquals(200, changed.status(), changed.body());
        assertEquals("\"2\"", changed.header("ETag").orElse(""));
        OrderSystem.Answer stale = customerA.putJson("orders/" + orderOfA, "{\"quantity\":6}", "If-Match", tag);
        assertProblem(stale, 412, "version-mismatch");
        OrderSystem.Answer weak = customerA.putJson("orders/" + orderOfA, "{\"quantity\":6}", "If-Match", "W/" + tag);
        assertProblem(weak, 412, "version-mismatch");
    }

    @Test
    void answersThatAreNotViewsAreNeverStoredAndACustomerNeverGetsAnotherOnesTag() {
        OrderSystem.Answer refused = customerA.request("GET", "orders/" + orderOfA, null, null, "If-None-Match", "1.abc");
        assertProblem(refused, 400, "invalid-input");
        assertEquals(List.of("If-None-Match"), fields(refused));
        assertNoStore(refused);

        String tagOfA = customerA.get("orders/" + orderOfA).header("ETag").orElseThrow();
        OrderSystem customerB = admin.as(Tokens.of(admin.registerUser("cache-b-" + UUID.randomUUID() + "@example.com"), "customer"));
        OrderSystem.Answer notB = customerB.request("GET", "orders/" + orderOfA, null, null, "If-None-Match", tagOfA);
        assertEquals(404, notB.status(), "B learned of A's order: " + notB.status() + " " + notB.body());
        assertFalse(notB.header("ETag").isPresent());
        assertNoStore(notB);

        OrderSystem.Answer placed = customerA.placeOrderAnswer(userA, productId);
        assertNoStore(placed);
        String command = placed.header("Command-Id").orElseThrow();
        for (OrderSystem.Answer operational : List.of(admin.get("admin/projections"), customerA.get("commands/" + command),
                admin.get("admin/audit"), admin.as(null).get("orders/" + orderOfA))) {
            assertNoStore(operational);
            assertFalse(operational.header("ETag").isPresent(), operational.body());
        }
    }

    private static void assertViewDirectives(OrderSystem.Answer answer) {
        assertEquals(List.of("private, no-cache"), answer.headers("Cache-Control"), answer.body());
        assertVaryAuthorization(answer);
    }

    private static void assertNoStore(OrderSystem.Answer answer) {
        assertEquals(List.of("no-store"), answer.headers("Cache-Control"), answer.status() + " " + answer.body());
        assertVaryAuthorization(answer);
    }

    private static void assertVaryAuthorization(OrderSystem.Answer answer) {
        assertTrue(answer.headers("Vary").stream().anyMatch(vary -> vary.toLowerCase().contains("authorization")),
                "Vary: " + answer.headers("Vary"));
    }
}
