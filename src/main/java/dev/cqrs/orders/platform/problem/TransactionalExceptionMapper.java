package dev.cqrs.orders.platform.problem;

import jakarta.annotation.Priority;
import jakarta.transaction.TransactionalException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * What a @Transactional method throws when its transaction fails (at commit, say, when the database
 * went away): problem+json like any other failure. Without it, Jersey's own mapper for this type
 * (jersey-cdi1x-transaction) wins over the Throwable mapper and rethrows, and the client gets
 * Payara's HTML error page with a 500 (found by FaultSuiteIT's PostgreSQL crash).
 */
@Provider
@Priority(1)
public class TransactionalExceptionMapper implements ExceptionMapper<TransactionalException> {

    @Override
    public Response toResponse(TransactionalException e) {
        Throwable cause = e.getCause();
        if (cause instanceof DomainException domain) {
            return Problems.of(domain);
        }
        if (cause instanceof WebApplicationException web) {
            return new WebApplicationExceptionMapper().toResponse(web);
        }
        return UnexpectedExceptionMapper.problemFor(e);
    }
}
