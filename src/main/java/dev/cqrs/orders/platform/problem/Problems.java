package dev.cqrs.orders.platform.problem;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Builds RFC 9457 {@code application/problem+json} responses with a stable type per problem kind. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:cqrs-orders:problem:";

    private Problems() {
    }

    public static Response response(int status, String kind, String title, String detail, List<FieldError> errors) {
        JsonObjectBuilder body = JsonSupport.object()
                .add("type", TYPE_PREFIX + kind)
                .add("title", title)
                .add("status", status);
        if (detail != null) {
            body.add("detail", detail);
        }
        if (!errors.isEmpty()) {
            JsonArrayBuilder list = JsonSupport.array();
            errors.forEach(e -> list.add(JsonSupport.object().add("field", e.field()).add("detail", e.detail())));
            body.add("errors", list);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body.build()).build();
    }

    public static Response of(DomainException e) {
        return response(e.status(), e.kind(), e.title(), e.getMessage(), e.errors());
    }

    /** The problem kind of an HTTP status that no domain exception names (the runtime's and the container's own answers). */
    public static String kindOf(int status) {
        return switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "rate-limited";
            default -> status >= 500 ? "server-error" : "bad-request";
        };
    }
}
