package dev.cqrs.orders.scenario;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import dev.cqrs.orders.testsupport.TestServer;
import dev.cqrs.orders.testsupport.Tokens;
import org.awaitility.Awaitility;

/**
 * The deployed service as an HTTP client sees it: requests in, status, headers and JSON out. Every
 * request carries the bearer token it was made with: an admin's unless {@link #as} says otherwise.
 */
final class OrderSystem {

    // HTTP/1.1 as the usual API client speaks it (the JDK client would otherwise upgrade to h2c).
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    OrderSystem(URI base) {
        this(base, Tokens.admin());
    }

    private OrderSystem(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Where this service is reached. */
    URI base() {
        return base;
    }

    /** The bearer token of the requests ({@code null}: none). */
    String token() {
        return token;
    }

    /**
     * {@code GET path} with {@code Accept: text/event-stream}: a stream (200) is read up to its first
     * line that is not empty and closed, which is then the answer's body; anything else is read whole.
     */
    Answer openStream(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).GET().header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return new Answer(HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), info ->
                    HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofLines(StandardCharsets.UTF_8), lines -> {
                        try (lines) {
                            // (RESTEasy begins a stream with an empty line.)
                            return info.statusCode() == 200 ? lines.filter(line -> !line.isEmpty()).findFirst().orElse("")
                                    : lines.collect(Collectors.joining("\n"));
                        }
                    })));
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The same service, called with {@code token} ({@code null}: no Authorization header). */
    OrderSystem as(String token) {
        return new OrderSystem(base, token);
    }

    /**
     * The application the test stack deployed at the root context. Arquillian's injected URL is not
     * used: with the resource adapter deployed beside it, Micro's start-up report, from which that
     * URL is made, does not name the root application.
     */
    static OrderSystem atTestPort() {
        return new OrderSystem(URI.create("http://127.0.0.1:" + System.getProperty("test.http.port") + "/"));
    }

    Answer post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer postJson(String path, String body) {
        return post(path, "application/json", body);
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    /** {@code GET /health/ready} of this instance, wherever its server serves it ({@link TestServer}). */
    Answer readiness() {
        return send(HttpRequest.newBuilder(TestServer.current().healthBase(base.getPort()).resolve("health/ready")).GET());
    }

    /**
     * Any request: {@code contentType} and {@code body} may be {@code null} (no body), headers come
     * as name, value, name, value ...
     */
    Answer request(String method, String path, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    /**
     * A request with raw bytes as its body ({@code null}: none), sent with a Content-Length, or
     * chunked without one when {@code chunked}.
     */
    Answer raw(String method, String path, String contentType, byte[] body, boolean chunked, String... headers) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).method(method, publisher);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    Answer putJson(String path, String body, String... headers) {
        return request("PUT", path, "application/json", body, headers);
    }

    /** {@code POST /orders/{id}/<action>} without a body, as confirm, ship and cancel take it. */
    Answer transition(String orderId, String action, String... headers) {
        return request("POST", "orders/" + orderId + "/" + action, null, null, headers);
    }

    /** Waits until a view answers 200 and {@code ready} holds for it; answers it. */
    JsonObject awaitView(String path, Predicate<JsonObject> ready) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(path), a -> a.status() == 200 && ready.test(a.json())).json();
    }

    /** Waits until the order's view is at {@code version}; answers it. */
    JsonObject awaitOrder(String orderId, int version) {
        return awaitView("orders/" + orderId, v -> v.getInt("version") == version);
    }

    String createProduct(String name, String price) {
        return postJson("products", "{\"name\":\"" + name + "\",\"price\":" + price + "}").created("product_id");
    }

    String registerUser(String email) {
        return postJson("users", "{\"email\":\"" + email + "\"}").created("user_id");
    }

    String placeOrder(String userId, String productId, int quantity) {
        return postJson("orders", """
                {"user_id":"%s","product_id":"%s","quantity":%d}""".formatted(userId, productId, quantity))
                .created("order_id");
    }

    Answer placeOrderAnswer(String userId, String productId) {
        return postJson("orders", """
                {"user_id":"%s","product_id":"%s","quantity":1}""".formatted(userId, productId));
    }

    private URI resolve(String path) {
        return base.resolve(path);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            if (token != null && request.copy().build().headers().firstValue("Authorization").isEmpty()) {
                request.setHeader("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response);
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Answer(HttpResponse<String> response) {

        int status() {
            return response.statusCode();
        }

        String body() {
            return response.body();
        }

        Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        /** Every value of a header (each field line; a comma-separated line is one value). */
        List<String> headers(String name) {
            return response.headers().allValues(name);
        }

        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
                return reader.readObject();
            }
        }

        /** The id from a 201 answer, checked against its Location header and version 1. */
        String created(String idField) {
            if (status() != 201) {
                throw new AssertionError("expected 201, got " + status() + ": " + body());
            }
            String id = json().getString(idField);
            if (!header("Location").orElse("").endsWith("/" + id) || json().getInt("version") != 1) {
                throw new AssertionError("bad creation answer " + response.headers() + " " + body());
            }
            return id;
        }
    }
}
