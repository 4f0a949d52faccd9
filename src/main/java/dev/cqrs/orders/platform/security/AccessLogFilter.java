package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.command.CommandMetadata;
import dev.cqrs.orders.platform.health.HealthResource;
import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import java.time.Instant;

/**
 * The access log of queries ({@link AccessLog}): who read which view, what they asked and what they
 * got, one JSON line per read: {@code at, principal, view, method, path, query, status,
 * correlation_id}. Commands are in the audit log instead.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.USER)
public class AccessLogFilter implements ContainerResponseFilter {

    @Context
    ResourceInfo resource;

    @Inject
    AccessLog accessLog;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (CommandAuditFilter.isCommand(request.getMethod()) || resource.getResourceClass() == HealthResource.class) {
            return; // commands are in the audit log; health probes (every few seconds) read no view
        }
        Principal principal = request.getSecurityContext().getUserPrincipal();
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        String view = CommandAuditFilter.commandType(resource.getResourceClass(), resource.getResourceMethod());
        JsonObjectBuilder line = JsonSupport.object()
                .add("at", Instant.now().toString())
                .add("principal", principal == null ? CommandMetadata.ANONYMOUS : principal.getName())
                .add("view", view == null ? "none" : view)
                .add("method", request.getMethod())
                .add("path", request.getUriInfo().getRequestUri().getRawPath());
        if (query != null) {
            line.add("query", query);
        }
        accessLog.record(line.add("status", response.getStatus())
                .add("correlation_id", CommandAuditFilter.correlationId(request).toString()).build().toString());
    }
}
