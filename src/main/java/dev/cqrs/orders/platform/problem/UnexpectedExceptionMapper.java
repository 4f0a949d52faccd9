package dev.cqrs.orders.platform.problem;

import dev.cqrs.orders.platform.persistence.SqlStates;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Last resort: a bug or an outage we did not classify. The client gets an incident id to quote,
 * never the exception's text; the log gets the stack trace under the same id.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class.getName());
    private static final String RETRY_AFTER_SECONDS = "2";

    /** A transaction that could not commit (a connection lost at commit time): rolled back, or unknown. */
    private static boolean isFailedCommit(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof jakarta.transaction.RollbackException
                    || t instanceof jakarta.transaction.HeuristicMixedException
                    || t instanceof jakarta.transaction.HeuristicRollbackException
                    || t instanceof jakarta.transaction.SystemException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Response toResponse(Throwable e) {
        return problemFor(e);
    }

    /** 503 with Retry-After for an unreachable database or a failed commit; otherwise 500 with an incident id. */
    static Response problemFor(Throwable e) {
        if (SqlStates.isUnavailable(e) || isFailedCommit(e)) {
            // Nothing was done (or the commit's outcome is unknown, which the client resolves by
            // retrying with its Idempotency-Key): try again, not a server bug.
            LOG.log(Level.WARNING, "database unavailable: " + e);
            Response problem = Problems.response(503, "unavailable", "Service unavailable",
                    "A database is unavailable; nothing was changed. Retry after a few seconds.", List.of());
            return Response.fromResponse(problem).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected error, incident " + incident, e);
        return Problems.response(500, "server-error", "Internal server error",
                "Unexpected error; quote incident " + incident, List.of());
    }
}
