package dev.cqrs.orders.platform.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class DomainExceptionMapper implements ExceptionMapper<DomainException> {

    @Override
    public Response toResponse(DomainException e) {
        Response problem = Problems.of(e);
        return e.retryAfterSeconds() == null ? problem
                : Response.fromResponse(problem).header("Retry-After", e.retryAfterSeconds()).build();
    }
}
