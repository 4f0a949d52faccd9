package dev.cqrs.orders.platform.security;

import jakarta.annotation.Priority;
import dev.cqrs.orders.platform.command.CommandMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import java.util.logging.Logger;

/**
 * The access log of queries: one structured line per read (logger {@code cqrs.access}, INFO) with
 * who read which view, what they asked and what they got; commands are in the audit log instead.
 * Turn it off like any logger ({@code cqrs.access} at WARNING) where the volume is not wanted.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.USER)
public class AccessLogFilter implements ContainerResponseFilter {

    private static final Logger ACCESS = Logger.getLogger("cqrs.access");

    @Context
    ResourceInfo resource;

    @Inject
    CommandMetadata metadata;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (CommandAuditFilter.isCommand(request.getMethod()) || !ACCESS.isLoggable(java.util.logging.Level.INFO)) {
            return;
        }
        Principal principal = request.getSecurityContext().getUserPrincipal();
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        String view = CommandAuditFilter.commandType(resource.getResourceClass(), resource.getResourceMethod());
        ACCESS.info(() -> "access principal=" + (principal == null ? "anonymous" : principal.getName())
                + " view=" + view + " method=" + request.getMethod() + " path=" + request.getUriInfo().getRequestUri().getRawPath()
                + (query == null ? "" : " query=" + query) + " status=" + response.getStatus()
                + " correlation_id=" + metadata.commandId());
    }
}
