package dev.cqrs.orders.platform.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonStructure;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/**
 * Validators and cache directives for the answers of the views (issue 19, RFC 9110 and RFC 9111).
 *
 * <p>Every {@code GET} (or {@code HEAD}) of a view that answers 200 with JSON gets a strong
 * {@code ETag}: for a single view with a {@code version} (an order, a product, a user)
 * {@code "<version>.<digest>"}, else (lists, summaries, sales, the root) {@code "<digest>"}, the
 * digest being the first 96 bits of the SHA-256 of the exact bytes sent, base64url ({@link
 * Representation}: a resource may answer one made earlier, as the read cache keeps them). So the tag
 * changes whenever the representation does, also when only a denormalized part changed (a renamed
 * product rewrites its orders' views, not their orders' versions: RFC 9110 §8.8.3's strong
 * validator), and the version in front is what a command's {@code If-Match} on the same URI is
 * checked against ({@link dev.cqrs.orders.platform.command.ExpectedVersion}), so a client can send
 * a GET's {@code ETag} back on its PUT. {@code If-None-Match} is evaluated as §13.1.2 says (weak
 * comparison; {@code *} matches any current representation) after the view was read: a match is a
 * 304 with the same {@code ETag} and cache directives and no body (§15.4.5). A header outside the
 * grammar is a 400 naming it.
 *
 * <p>These answers say {@code Cache-Control: private, no-cache} (RFC 9111 §5.2.2.7 and §5.2.2.4): no
 * shared cache may store them, a client's own cache may, and must revalidate before each reuse, so
 * a cached view is never older than what the server would answer now by more than a 304's round
 * trip. Everything else keeps {@code no-store} ({@code SecurityHeadersFilter}; among them
 * {@code /admin/*}, {@code /commands/*}, {@code /health/*} and every error), and every answer
 * carries {@code Vary: Authorization}.
 */
@Provider
@ApplicationScoped
// Response filters run from the highest priority down: this one before AccessLogFilter (USER),
// which logs the status sent, 304 included. As a request filter it runs after the authorization checks.
@Priority(Priorities.USER + 500)
public class ViewValidators implements ContainerRequestFilter, ContainerResponseFilter {

    /** The directives of a view's answer (and of its 304). */
    public static final String CACHE_CONTROL = "private, no-cache";
    private static final String CONDITION = ViewValidators.class.getName() + ".ifNoneMatch";

    @Override
    public void filter(ContainerRequestContext request) {
        if (isRead(request)) {
            // Read before the view is, so that a malformed header is a 400 whatever the view holds.
            EntityTags condition = EntityTags.parse(HttpHeaders.IF_NONE_MATCH, joined(request.getHeaders().get(HttpHeaders.IF_NONE_MATCH)));
            if (condition != null) {
                request.setProperty(CONDITION, condition);
            }
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object entity = response.getEntity();
        if (!isRead(request) || response.getStatus() != 200
                || !(entity instanceof Representation || entity instanceof JsonStructure)
                || isOperational(request.getUriInfo().getPath())) {
            return;
        }
        Representation answer = entity instanceof Representation made ? made : Representation.of((JsonStructure) entity);
        response.getHeaders().putSingle(HttpHeaders.ETAG, "\"" + answer.tag() + "\"");
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
        if (request.getProperty(CONDITION) instanceof EntityTags condition && condition.matchesWeakly(answer.tag())) {
            response.setStatus(Response.Status.NOT_MODIFIED.getStatusCode());
            response.setEntity(null);
            response.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
        } else {
            response.setEntity(answer.body(), response.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
        }
    }

    private static boolean isRead(ContainerRequestContext request) {
        return HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
    }

    /** Answers about the service rather than views: they keep {@code no-store}. */
    static boolean isOperational(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals("admin") || relative.startsWith("admin/") || relative.equals("commands")
                || relative.startsWith("commands/") || relative.equals("health") || relative.startsWith("health/");
    }

    // A list-valued field may come in several header lines (RFC 9110 §5.3): one list.
    private static String joined(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }
}
