package dev.cqrs.orders.platform.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/**
 * Errors raised by JAX-RS itself (unknown path, wrong method, unsupported media type): same
 * problem+json shape, with a fixed text instead of the runtime's message.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType != null ? statusType.getReasonPhrase() : "HTTP " + status;
        String detail = status == 401 ? "a valid bearer token is required (Authorization: Bearer <JWT>)" : null;
        Response problem = Problems.response(status, Problems.kindOf(status), title, detail, List.of());
        Response.ResponseBuilder builder = Response.fromResponse(problem);
        // Keep headers the client needs (Allow on 405, Retry-After on 503).
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        for (String header : List.of("Allow", "Retry-After")) {
            Object value = original.getHeaders().getFirst(header);
            if (value != null) {
                builder.header(header, value);
            }
        }
        return builder.build();
    }
}
