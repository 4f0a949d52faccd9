package dev.cqrs.orders.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TableSnapshot;
import dev.cqrs.orders.testsupport.TestDatabases;
import dev.cqrs.orders.testsupport.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bad-input corpus (issue 7): malformed JSON, wrong types, huge and deeply nested bodies,
 * Unicode edge cases, injection strings in every string field, path segment and filter, and
 * forged, expired or wrongly signed tokens. Every case must get a 4xx problem+json without
 * implementation detail, never a 5xx, and no table of either database may change but the audit
 * log, by the refusals' own rows ({@link TableSnapshot}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadInputIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot();
    }

    /** Strings that must not get in anywhere: query and script injection, template syntax, bad Unicode. */
    static final List<String> HOSTILE = List.of(
            "'; DROP TABLE orders; --",
            "' OR '1'='1",
            "1); DELETE FROM events; --",
            "\" OR \"\"=\"",
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "${jndi:ldap://127.0.0.1:1389/a}",
            "{{7*7}}",
            "a\u0000b",
            "\u0000",
            "\ud800",
            "x\udfffy",
            "\u202eevil",
            "zero\u200bwidth",
            "\ufeffbom",
            "%00",
            "",
            "   ",
            "x".repeat(10_000));

    /**
     * What the API documents for {@code Idempotency-Key}: 1 to 200 visible ASCII characters. A
     * hostile string that fits is just a key; one that does not is a 400 naming the header.
     */
    private static final Pattern WELL_FORMED_KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    /**
     * The corpus, case by case as {@link #corpus} builds it: per command target (6) 16 malformed
     * bodies, 2 nested, 2 huge, a BOM, text/plain and an unknown field, and a Latin-1 body for the 4
     * whose valid body has a word to accent (142); wrong types, 8 per field of the 10 fields less the
     * 4 that are valid (76); the 20 hostile strings in each of the 10 fields (200); the 18 non-blank
     * hostile strings as 3 path segments (54); the 20 in 7 list filters (140) and in If-Match (20);
     * the 6 that are not well-formed keys in Idempotency-Key (6); path traversal (1); 12 tokens on
     * 3 requests (36).
     */
    private static final int CORPUS_SIZE = 142 + 76 + 200 + 54 + 140 + 20 + 6 + 1 + 36;

    private static final String KEY_HEADER = "Idempotency-Key";
    private static final String KEY_CASE = "Idempotency-Key ";

    private final OrderSystem admin = OrderSystem.atTestPort();
    private String productId;
    private String userId;
    private String orderId;

    @BeforeEach
    void somethingToAimAt() {
        productId = admin.createProduct("Corpus tea", "2.00");
        userId = admin.registerUser("corpus-" + UUID.randomUUID() + "@example.com");
        orderId = admin.placeOrder(userId, productId, 1);
    }

    record Case(String name, String method, String path, String contentType, byte[] body, boolean chunked,
                String... headers) {
    }

    @Test
    void everyCaseIsAClear4xxAndNothingIsWritten() {
        List<Case> corpus = corpus();
        assertEquals(CORPUS_SIZE, corpus.size(), "cases in the corpus");
        TableSnapshot before = TableSnapshot.whenQuiet();
        Map<String, String> failures = new LinkedHashMap<>();
        int fiveHundreds = 0;
        for (Case c : corpus) {
            OrderSystem.Answer answer;
            try {
                answer = send(c);
            } catch (IllegalStateException noAnswer) {
                failures.put(c.name(), "no answer: " + noAnswer.getMessage());
                continue;
            }
            String problem = refusedByHttpLayer(c) ? checkBare(answer) : check(answer);
            if (problem == null && c.name().startsWith(KEY_CASE)) {
                problem = namesTheKey(answer);
            }
            if (problem != null) {
                failures.put(c.name(), problem);
            }
            fiveHundreds += answer.status() >= 500 ? 1 : 0;
        }
        assertEquals(0, fiveHundreds, fiveHundreds + " answers of 5xx; every case that failed: " + failures);
        assertTrue(failures.isEmpty(), failures.size() + " of " + corpus.size() + " cases failed: " + failures);
        before.assertNoTraceSince("the bad-input corpus");
    }

    /**
     * The hostile strings that are well-formed keys, each with a valid order: accepted once, the
     * retry replayed (the same order, not a second one), the key stored as sent. Keys belong to
     * their principal: a fresh admin, so that a key of an earlier run cannot collide.
     */
    @Test
    void hostileButWellFormedKeysAreKeysLikeAnyOther() throws SQLException {
        String principal = "keys-" + UUID.randomUUID();
        OrderSystem keyed = admin.as(Tokens.of(principal, "admin"));
        List<String> keys = HOSTILE.stream().map(BadInputIT::headerSafe).filter(k -> WELL_FORMED_KEY.matcher(k).matches())
                .distinct().toList();
        // 14 of the 20 are well-formed; 4 of those become the same "?" once made fit for a header.
        assertEquals(11, keys.size(), "distinct well-formed keys among the hostile strings: " + keys);
        try (Connection write = TestDatabases.write()) {
            for (String key : keys) {
                OrderSystem.Answer first = keyed.request("POST", "orders", "application/json", place(), KEY_HEADER, key);
                OrderSystem.Answer retry = keyed.request("POST", "orders", "application/json", place(), KEY_HEADER, key);
                String order = first.created("order_id");
                assertEquals(first.json(), retry.json(), "the retry with key " + key + " got the first answer");
                assertEquals("true", retry.header("Idempotent-Replayed").orElse(""), "the retry with key " + key
                        + " was replayed");
                assertEquals(1, TestDatabases.count(write, "SELECT count(*) FROM idempotency_keys WHERE principal = ? "
                        + "AND idempotency_key = ?", principal, key), "key " + key + " stored as sent");
                assertEquals(1, TestDatabases.count(write, "SELECT count(*) FROM orders WHERE order_id = ?",
                        UUID.fromString(order)), "the order placed with key " + key);
            }
            assertEquals(1 + keys.size(), TestDatabases.count(write, "SELECT count(*) FROM orders WHERE user_id = ?",
                    UUID.fromString(userId)), "one order per key, plus the one placed before");
        }
    }

    /**
     * Sends one case; once more if the connection was already closed: after a bare 400 the HTTP
     * layer closes the connection, and the JDK client retries a GET on a fresh one by itself but
     * not a POST. Every case is invalid, so sending it twice cannot write anything.
     */
    private OrderSystem.Answer send(Case c) {
        try {
            return admin.raw(c.method(), c.path(), c.contentType(), c.body(), c.chunked(), c.headers());
        } catch (IllegalStateException staleConnection) {
            return admin.raw(c.method(), c.path(), c.contentType(), c.body(), c.chunked(), c.headers());
        }
    }

    /** A valid order padded with whitespace past 64 KiB: 413, declared or chunked, and no order. */
    @Test
    void oversizedBodiesAre413WhetherDeclaredOrChunked() {
        byte[] padded = (place() + " ".repeat(70_000)).getBytes(StandardCharsets.UTF_8);
        TableSnapshot before = TableSnapshot.whenQuiet();
        for (boolean chunked : List.of(false, true)) {
            OrderSystem.Answer answer = admin.raw("POST", "orders", "application/json", padded, chunked);
            ProblemAssertions.assertProblem(answer, 413, "payload-too-large");
        }
        before.assertNoTraceSince("two bodies over 64 KiB");
        byte[] small = new String(padded, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        assertEquals(201, admin.raw("POST", "orders", "application/json", small, true).status(), "the same order, unpadded");
    }

    /**
     * Requests the HTTP layer refuses before any application code runs (Grizzly and Catalina:
     * a request line over 8 KiB, an encoded NUL or slash in the path): a bare 400 with no body is
     * all they get, which is still a 4xx that says nothing about the implementation.
     */
    private static boolean refusedByHttpLayer(Case c) {
        String target = c.path();
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        return target.length() > 8000 || path.contains("%00") || path.contains("%2F");
    }

    private static String checkBare(OrderSystem.Answer answer) {
        if (answer.status() < 400 || answer.status() >= 500) {
            return "status " + answer.status() + ": " + abbreviate(answer.body());
        }
        return answer.body().isEmpty() ? null : check(answer);
    }

    /** {@code null} when the refusal names the Idempotency-Key header (and only it), else what it names. */
    private static String namesTheKey(OrderSystem.Answer answer) {
        List<String> fields = answer.json().containsKey("errors") ? ProblemAssertions.fields(answer) : List.of();
        return fields.equals(List.of(KEY_HEADER)) ? null
                : "refused for " + fields + ", not for the key: " + abbreviate(answer.body());
    }

    /** {@code null} when the answer is what a bad request must get, else what is wrong with it. */
    private static String check(OrderSystem.Answer answer) {
        if (answer.status() < 400 || answer.status() >= 500) {
            return "status " + answer.status() + ": " + abbreviate(answer.body());
        }
        if (!answer.header("Content-Type").orElse("").equals("application/problem+json")) {
            return "content type " + answer.header("Content-Type") + ": " + abbreviate(answer.body());
        }
        JsonObject problem = answer.json();
        if (problem.getInt("status") != answer.status() || !problem.getString("type").startsWith("urn:cqrs-orders:problem:")) {
            return "not our problem shape: " + abbreviate(answer.body());
        }
        for (String leak : List.of("Exception", "at org.", "at java.", "SQL", "postgres", "parsson", "jakarta.", "Payara",
                "Hibernate", "ERROR:")) {
            if (answer.body().contains(leak)) {
                return "leaks '" + leak + "': " + abbreviate(answer.body());
            }
        }
        return null;
    }

    private List<Case> corpus() {
        List<Case> corpus = new ArrayList<>();
        String place = place();
        Map<String, String> commands = new LinkedHashMap<>();
        commands.put("POST products", "{\"name\":\"Tea\",\"price\":1.5}");
        commands.put("PUT products/" + productId, "{\"name\":\"Tea\",\"price\":1.5}");
        commands.put("POST users", "{\"email\":\"new@example.com\"}");
        commands.put("PUT users/" + userId, "{\"email\":\"new@example.com\"}");
        commands.put("POST orders", place);
        commands.put("PUT orders/" + orderId, "{\"quantity\":2}");

        // Malformed JSON and bodies that are not one object, for every command that takes a body.
        List<String> malformed = List.of("", "{", "}", "{\"name\":", "[]", "null", "\"text\"", "42", "{'name':'x'}",
                "{\"name\":\"x\",}", "{\"price\":NaN}", "{} {}", "{\"a\":1}garbage", "{\"quantity\":1e99999}",
                "{\"quantity\":" + "9".repeat(2000) + "}", "\u0000{}");
        commands.forEach((target, valid) -> {
            for (String body : malformed) {
                corpus.add(json("malformed " + target + " " + abbreviate(body), target, body));
            }
            // Deep nesting, in an array and in objects.
            corpus.add(json("nested arrays " + target, target, "[".repeat(100_000)));
            corpus.add(json("nested objects " + target, target, "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)));
            // Huge bodies: declared, and chunked without a length.
            byte[] huge = ("{\"name\":\"" + "x".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            corpus.add(new Case("huge " + target, method(target), path(target), "application/json", huge, false));
            corpus.add(new Case("huge chunked " + target, method(target), path(target), "application/json", huge, true));
            // Not UTF-8, a UTF-8 byte order mark, another media type.
            String accented = valid.replace("Tea", "Th\u00e9").replace("new@", "n\u00e9w@");
            if (!accented.equals(valid)) {
                corpus.add(new Case("latin-1 " + target, method(target), path(target), "application/json",
                        accented.getBytes(StandardCharsets.ISO_8859_1), false));
            }
            byte[] withBom = ("\ufeff" + valid).getBytes(StandardCharsets.UTF_8);
            corpus.add(new Case("bom " + target, method(target), path(target), "application/json", withBom, false));
            corpus.add(new Case("text/plain " + target, method(target), path(target), "text/plain",
                    valid.getBytes(StandardCharsets.UTF_8), false));
            // Wrong types and hostile strings in every field of the valid body.
            JsonObject fields = Json.createReader(new java.io.StringReader(valid)).readObject();
            for (String field : fields.keySet()) {
                for (String wrong : List.of("true", "[]", "{}", "null", "1.5", "-1", "\"1\"", "12345678901234567890")) {
                    if (field.equals("price") && wrong.equals("1.5") || field.equals("name") && wrong.equals("\"1\"")) {
                        continue; // the right type: a price of 1.5 and a product named "1" are valid
                    }
                    corpus.add(json("wrong type " + field + "=" + wrong + " " + target, target,
                            with(fields, field, wrong)));
                }
                for (String hostile : HOSTILE) {
                    corpus.add(json("hostile " + field + "=" + abbreviate(hostile) + " " + target, target,
                            with(fields, field, quote(hostile))));
                }
            }
            corpus.add(json("unknown field " + target, target, valid.replaceFirst("\\{", "{\"admin\":true,")));
        });

        // Hostile path segments, query filters and headers.
        for (String hostile : HOSTILE) {
            String segment = URLEncoder.encode(hostile, StandardCharsets.UTF_8).replace("+", "%20");
            if (!hostile.isBlank()) {
                corpus.add(new Case("path order " + abbreviate(hostile), "GET", "orders/" + segment, null, null, false));
                corpus.add(new Case("path confirm " + abbreviate(hostile), "POST", "orders/" + segment + "/confirm", null,
                        null, false));
                corpus.add(new Case("path user " + abbreviate(hostile), "GET", "users/" + segment + "/summary", null, null,
                        false));
            }
            for (String filter : List.of("user_id", "product_id", "status", "created_from", "created_to", "limit", "cursor")) {
                corpus.add(new Case("filter " + filter + "=" + abbreviate(hostile), "GET",
                        "orders?" + filter + "=" + segment, null, null, false));
            }
            corpus.add(new Case("If-Match " + abbreviate(hostile), "POST", "orders/" + orderId + "/cancel", null, null,
                    false, "If-Match", headerSafe(hostile)));
            // A valid order: only the key can be what is refused. Well-formed keys: see hostileButWellFormedKeys...
            String key = headerSafe(hostile);
            if (!WELL_FORMED_KEY.matcher(key).matches()) {
                corpus.add(new Case(KEY_CASE + abbreviate(hostile), "POST", "orders", "application/json",
                        place.getBytes(StandardCharsets.UTF_8), false, KEY_HEADER, key));
            }
        }
        corpus.add(new Case("path traversal", "GET", "orders/..%2F..%2Fetc%2Fpasswd", null, null, false));

        // Tokens: forged, expired beyond the skew, wrongly signed, of another issuer, unsigned, tampered, malformed.
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired 30 s ago (beyond the 5 s skew)", "Bearer " + Tokens.expired("test-admin", 30, "admin"));
        tokens.put("wrongly signed", "Bearer " + Tokens.wronglySigned("test-admin", "admin"));
        tokens.put("other issuer", "Bearer " + Tokens.otherIssuer("test-admin", "admin"));
        tokens.put("alg none", "Bearer " + Tokens.unsigned("test-admin"));
        tokens.put("tampered payload", "Bearer " + Tokens.tampered("test-admin"));
        tokens.put("garbage", "Bearer abc.def.ghi");
        tokens.put("empty bearer", "Bearer ");
        tokens.put("basic", "Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)));
        tokens.put("two parts", "Bearer abc.def");
        tokens.put("injection", "Bearer ' OR '1'='1");
        tokens.put("signed, with U+0000 in its subject", "Bearer " + Tokens.of("admin\\u0000x", "admin"));
        tokens.put("signed, with a 1,000-character subject", "Bearer " + Tokens.of("a".repeat(1000), "admin"));
        tokens.forEach((name, authorization) -> {
            corpus.add(new Case("token " + name + " place", "POST", "orders", "application/json",
                    place.getBytes(StandardCharsets.UTF_8), false, "Authorization", authorization));
            corpus.add(new Case("token " + name + " read", "GET", "orders/" + orderId, null, null, false,
                    "Authorization", authorization));
            corpus.add(new Case("token " + name + " admin", "GET", "admin/audit", null, null, false,
                    "Authorization", authorization));
        });
        return corpus;
    }

    /** A valid order of the customer and product made for this test. */
    private String place() {
        return "{\"user_id\":\"" + userId + "\",\"product_id\":\"" + productId + "\",\"quantity\":1}";
    }

    private static Case json(String name, String target, String body) {
        return new Case(name, method(target), path(target), "application/json", body.getBytes(StandardCharsets.UTF_8),
                false);
    }

    private static String method(String target) {
        return target.substring(0, target.indexOf(' '));
    }

    private static String path(String target) {
        return target.substring(target.indexOf(' ') + 1);
    }

    /** The object with {@code field} set to the JSON text {@code value}. */
    private static String with(JsonObject fields, String field, String value) {
        StringBuilder body = new StringBuilder("{");
        fields.forEach((name, v) -> body.append(body.length() > 1 ? "," : "").append(quote(name)).append(':')
                .append(name.equals(field) ? value : v.toString()));
        return body.append('}').toString();
    }

    /** A JSON string literal, with every non-ASCII or control character escaped as \\uXXXX. */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** A header value HTTP can carry: control characters and non-ASCII replaced. */
    private static String headerSafe(String text) {
        String safe = text.replaceAll("[^\\x20-\\x7e]", "?").strip();
        return safe.isEmpty() ? "?" : safe.length() > 1000 ? safe.substring(0, 1000) : safe;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("[^\\x20-\\x7e]", "?");
        return oneLine.length() > 60 ? oneLine.substring(0, 60) + "..." : oneLine;
    }
}
