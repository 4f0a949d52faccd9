package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.sql.SQLException;

/**
 * {@code GET /commands/{id}}: what became of a command ({@link CommandTracking}), for the one who
 * sent it and for admins; for anyone else, and after {@code cqrs.commands.retention-seconds}, it
 * answers as if it did not exist (404), so an id is never confirmed. Never stored by a cache.
 */
@ApplicationScoped
@ServedBy(Role.COMMAND)
@Path("commands")
@Produces(MediaType.APPLICATION_JSON)
public class CommandsResource {

    @Inject
    CommandTracking tracking;

    @GET
    @Path("{command_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public Response get(@PathParam("command_id") String id, @Context SecurityContext security) throws SQLException {
        return tracking.find(id, security.getUserPrincipal().getName(), security.isUserInRole(Roles.ADMIN))
                .map(command -> Response.ok(command).header(HttpHeaders.CACHE_CONTROL, "no-store").build())
                .orElseThrow(() -> new AggregateNotFoundException("command", id));
    }
}
