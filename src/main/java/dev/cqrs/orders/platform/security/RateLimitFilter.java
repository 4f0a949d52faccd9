package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.problem.Problems;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Commands past the caller's rate (see {@link RateLimiter}: one bucket per caller, shared by every
 * instance) are answered 429 with {@code Retry-After} before they reach a handler; the opening of a
 * stream of changes ({@code GET .../changes}) spends a token like a command; other queries are not
 * limited. Runs after the role
 * check, so only authenticated callers spend tokens.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.AUTHORIZATION + 100)
public class RateLimitFilter implements ContainerRequestFilter {

    @Inject
    RateLimiter limiter;

    @Override
    public void filter(ContainerRequestContext request) {
        SecurityContext security = request.getSecurityContext();
        Principal principal = security.getUserPrincipal();
        if (principal == null || !CommandAuditFilter.isCommand(request.getMethod()) && !opensStream(request)) {
            return;
        }
        limiter.limitFor(security::isUserInRole).ifPresent(limit -> {
            long waitNanos = limiter.tryTake(principal.getName(), limit);
            if (waitNanos > 0) {
                long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
                request.abortWith(Response.fromResponse(Problems.response(429, "rate-limited", "Too many requests",
                        "more than " + limit.perSecond() + " commands or stream openings per second (bursts of " + limit.burst()
                                + "); retry after " + seconds + " s", List.of()))
                        .header("Retry-After", seconds).build());
            }
        });
    }

    /** {@code GET /orders/changes} or {@code GET /orders/{id}/changes}: a server-sent event stream opens. */
    static boolean opensStream(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        return "GET".equals(request.getMethod()) && (path.endsWith("/changes") || path.equals("changes"));
    }
}
