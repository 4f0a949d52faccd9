package dev.cqrs.orders.platform.command;

import jakarta.ws.rs.core.UriInfo;

/**
 * A request's path relative to the application's root, without a leading slash
 * ({@code orders/42/confirm}), the same on every Jakarta REST implementation: the specification
 * leaves it open, and Jersey's {@code UriInfo.getPath()} has no leading slash where RESTEasy's has one.
 * Idempotency fingerprints and audit rows must not depend on the server that took the request.
 */
public final class RequestPath {

    private RequestPath() {
    }

    public static String of(UriInfo uri) {
        String path = uri.getPath();
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return path.substring(start);
    }
}
