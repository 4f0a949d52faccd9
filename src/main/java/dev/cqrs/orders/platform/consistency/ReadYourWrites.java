package dev.cqrs.orders.platform.consistency;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import dev.cqrs.orders.platform.problem.ViewNotCaughtUpException;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Read your own writes (issue 18): a query that names writes ({@code Consistency-Token} headers,
 * {@code consistent_with} parameters, {@code min_version}) is answered once its view reflects them,
 * waiting at most what {@code Prefer: wait} asks ({@code cqrs.consistency.default-wait-seconds}, 5,
 * without one; at most {@code cqrs.consistency.max-wait-seconds}, 30). The request is suspended
 * meanwhile (JAX-RS {@link AsyncResponse}): no request thread and no connection wait with it; when
 * {@link ViewProgress} finds the writes reflected, the query runs on a managed thread and the answer
 * says {@code Preference-Applied: wait}. Past the bound: 503 {@code view-not-caught-up} with
 * {@code Retry-After}. A query that names nothing is answered at once, as before.
 *
 * <p>The query given must not use request-scoped beans: it may run after the request's thread has
 * gone (take {@code Caller.access()} before).
 */
@ApplicationScoped
public class ReadYourWrites {

    /** What a query asks of consistency: its tokens (header and parameter) and its {@code Prefer} headers. */
    public record Asked(List<String> headerTokens, List<String> queryTokens, List<String> prefer) {

        public static Asked of(HttpHeaders headers, UriInfo uri) {
            return new Asked(headers.getRequestHeader(ConsistencyTokens.HEADER),
                    uri.getQueryParameters().get(ConsistencyTokens.QUERY_PARAMETER), headers.getRequestHeader("Prefer"));
        }

        /** Whether the query names writes it must see (then it reads read_db, not a cached row). */
        public boolean namesWrites() {
            return headerTokens != null && !headerTokens.isEmpty() || queryTokens != null && !queryTokens.isEmpty();
        }
    }

    /** A query's answer: its entity (JSON), or a domain exception thrown. */
    @FunctionalInterface
    public interface Query {
        Object run() throws Exception;
    }

    @Inject
    ConsistencyTokens tokens;

    @Inject
    ViewProgress progress;

    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "cqrs.consistency.default-wait-seconds", defaultValue = "5")
    long defaultWaitSeconds;

    @Inject
    @ConfigProperty(name = "cqrs.consistency.max-wait-seconds", defaultValue = "30")
    long maxWaitSeconds;

    /** {@code GET /orders/{id}?min_version=N}: the order at version N at least (no token needed: it is the caller's own bound). */
    public static List<ConsistencyToken> minVersion(UUID aggregateId, String minVersion) {
        if (minVersion == null) {
            return List.of();
        }
        if (!minVersion.matches("[1-9][0-9]{0,8}")) {
            throw new InvalidInputException(List.of(new FieldError("min_version", "must be a version, 1 or more")));
        }
        return List.of(new ConsistencyToken(aggregateId, Integer.parseInt(minVersion)));
    }

    /** Answers {@code query} on {@code async} once {@code view} reflects what {@code asked} (and {@code more}) names. */
    public void answer(AsyncResponse async, Asked asked, List<ConsistencyToken> more, String view, Query query)
            throws Exception {
        List<ConsistencyToken> needed = new ArrayList<>(more);
        read(asked.headerTokens(), ConsistencyTokens.HEADER, needed);
        read(asked.queryTokens(), ConsistencyTokens.QUERY_PARAMETER, needed);
        if (needed.isEmpty()) {
            async.resume(ok(query, false));
            return;
        }
        Duration bound = Prefer.waitOf(asked.prefer(), Duration.ofSeconds(defaultWaitSeconds), Duration.ofSeconds(maxWaitSeconds));
        CompletableFuture<Boolean> reflected = progress.reflected(needed, bound, view);
        if (reflected.isDone() && !reflected.isCompletedExceptionally() && !reflected.join()) {
            async.resume(ok(query, false));
            return;
        }
        // The container's own limit on a suspended request, beyond ours (ViewProgress answers first).
        async.setTimeout(bound.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        async.setTimeoutHandler(suspended -> suspended.resume(new ViewNotCaughtUpException(
                view + " did not reflect the writes asked for within " + bound.toMillis() + " ms; ask again")));
        reflected.whenComplete((waited, failure) -> executor.execute(() -> {
            if (failure != null) {
                async.resume(failure instanceof CompletionException wrapped ? wrapped.getCause() : failure);
            } else {
                try {
                    async.resume(ok(query, true));
                } catch (Exception e) {
                    async.resume(e);
                }
            }
        }));
    }

    private void read(List<String> values, String field, List<ConsistencyToken> into) {
        if (values == null) {
            return;
        }
        for (String value : values) {
            // Several in one header, separated by commas, as a list-valued field may be sent (RFC 9110 §5.3).
            for (String one : value.split(",")) {
                if (!one.isBlank() || values.size() == 1 && value.isBlank()) {
                    into.add(tokens.read(one, field));
                }
            }
        }
    }

    private static Response ok(Query query, boolean waited) throws Exception {
        Response.ResponseBuilder answer = Response.ok(query.run(), MediaType.APPLICATION_JSON_TYPE);
        if (waited) {
            answer.header("Preference-Applied", "wait");
        }
        return answer.build();
    }
}
