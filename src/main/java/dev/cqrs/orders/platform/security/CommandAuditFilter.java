package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.command.CommandMetadata;
import dev.cqrs.orders.platform.command.CommandTracking;
import dev.cqrs.orders.platform.command.Idempotency;
import dev.cqrs.orders.platform.command.RequestPath;
import dev.cqrs.orders.platform.problem.Problems;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every command request (POST, PUT, PATCH, DELETE) gets an audit row: before the resource, the
 * request's principal, command type and aggregate are put in {@link CommandMetadata} (where the
 * events and the in-transaction audit row take them from); after it, any answer that was not
 * already audited with the command's events (a refusal by the role check or the rate limiter, a
 * validation error, a conflict, a replay of an idempotent answer) is written in its own
 * transaction. Refusals of a token by the container, before JAX-RS, are audited by
 * {@link ErrorPageServlet}. Every answer carries the request's correlation id; a command's also its
 * {@code Command-Id} and monitor link ({@link CommandTracking#announce}), and its audit row is its
 * tracking record: the id its client was given, and the problem of a refusal.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.AUTHENTICATION + 50)
public class CommandAuditFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String CORRELATION_HEADER = "X-Correlation-Id";
    private static final String CORRELATION_PROPERTY = CommandAuditFilter.class.getName() + ".correlation";
    private static final Map<Method, String> COMMAND_TYPES = new ConcurrentHashMap<>();
    private static final List<String> ID_PARAMETERS = List.of("order_id", "product_id", "user_id", "name", "id");

    @Context
    ResourceInfo resource;

    @Inject
    CommandMetadata metadata;

    @Inject
    AuditLog audit;

    @Override
    public void filter(ContainerRequestContext request) {
        Principal caller = request.getSecurityContext().getUserPrincipal();
        if (caller != null && !isStorable(caller.getName())) {
            // Even a correctly signed token: a name the event store and the audit log cannot hold
            // (U+0000, control characters, over 200 characters) is not a name.
            request.abortWith(Problems.response(401, "unauthorized", "Unauthorized",
                    "the token's subject is not a usable user id", List.of()));
            return;
        }
        if (!isCommand(request.getMethod())) {
            // A query: a correlation id of its own, without the request-scoped command metadata.
            request.setProperty(CORRELATION_PROPERTY, randomId());
            return;
        }
        request.setProperty(CORRELATION_PROPERTY, metadata.commandId());
        String key = request.getHeaderString(Idempotency.HEADER);
        if (key != null && Idempotency.isValid(key)) {
            metadata.trackingId(key);
        }
        if (caller != null) {
            metadata.principal(caller.getName());
        }
        metadata.request(request.getMethod(), "/" + RequestPath.of(request.getUriInfo()));
        metadata.commandType(commandType(resource.getResourceClass(), resource.getResourceMethod()));
        MultivaluedMap<String, String> path = request.getUriInfo().getPathParameters();
        ID_PARAMETERS.stream().map(path::getFirst).filter(v -> v != null).findFirst().ifPresent(metadata::aggregateId);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!isCommand(request.getMethod())) {
            response.getHeaders().putSingle(CORRELATION_HEADER, correlationId(request).toString());
            return;
        }
        response.getHeaders().putSingle(CORRELATION_HEADER, metadata.commandId().toString());
        CommandTracking.announce(response.getHeaders(), request.getUriInfo().getBaseUri(), metadata.trackingId());
        if (metadata.auditedStatus() == response.getStatus()) {
            return;
        }
        if ("?".equals(metadata.method())) {
            // A pre-matching refusal (an oversized body): the request filter above never ran.
            Principal principal = request.getSecurityContext().getUserPrincipal();
            metadata.principal(principal == null ? CommandMetadata.ANONYMOUS : principal.getName());
            metadata.request(request.getMethod(), "/" + RequestPath.of(request.getUriInfo()));
        }
        audit.record(metadata.principal(), metadata.commandType(), metadata.method(), metadata.path(),
                metadata.aggregateId(), response.getStatus(), metadata.commandId(),
                new AuditLog.Tracking(metadata.receivedAt(), metadata.trackingId(), problem(response)));
    }

    /** The problem+json document of a refusal, as its client got it; {@code null} for any other answer. */
    private static String problem(ContainerResponseContext response) {
        if (response.getStatus() < 300 || response.getMediaType() == null
                || !Problems.MEDIA_TYPE.equals(response.getMediaType().getType() + "/" + response.getMediaType().getSubtype())) {
            return null;
        }
        Object entity = response.getEntity();
        return entity instanceof JsonObject || entity instanceof String ? entity.toString() : null;
    }

    /**
     * The request's correlation id: a command's is its command id; a query's is random. A request
     * refused before this filter ran (pre-matching) gets one here.
     */
    public static UUID correlationId(ContainerRequestContext request) {
        Object id = request.getProperty(CORRELATION_PROPERTY);
        if (id instanceof UUID uuid) {
            return uuid;
        }
        UUID fresh = randomId();
        request.setProperty(CORRELATION_PROPERTY, fresh);
        return fresh;
    }

    /** A version-4 UUID from a thread-local generator: a log key, not a secret (no SecureRandom per query). */
    private static UUID randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    private static boolean isStorable(String name) {
        return !name.isEmpty() && name.length() <= 200 && name.codePoints().noneMatch(
                c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE);
    }

    public static boolean isCommand(String method) {
        return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
    }

    /**
     * {@code order.place} for {@code OrderCommandResource.place}, {@code projections.rebuild} for
     * {@code ProjectionsResource.rebuild}; {@code null} when no resource method matched.
     */
    static String commandType(Class<?> resourceClass, Method method) {
        if (resourceClass == null || method == null) {
            return null;
        }
        // Once per resource method, not a regular expression per request.
        return COMMAND_TYPES.computeIfAbsent(method, m -> nameOf(resourceClass, m));
    }

    private static String nameOf(Class<?> resourceClass, Method method) {
        String name = resourceClass.getSimpleName();
        int proxy = name.indexOf('$');
        name = proxy > 0 ? name.substring(0, proxy) : name;
        name = name.replaceFirst("(Command|Query)?Resource$", "");
        return Character.toLowerCase(name.charAt(0)) + name.substring(1) + "." + method.getName();
    }
}
