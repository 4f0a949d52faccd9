package dev.cqrs.orders.customer.query;

import dev.cqrs.orders.platform.consistency.ReadYourWrites;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Caller;
import dev.cqrs.orders.platform.security.Roles;
import dev.cqrs.orders.readmodel.ViewCache;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;

/**
 * A customer's view; the read database only. A customer reads their own; another user answers 404
 * as if it did not exist. Clerks and admins read every user. (The order summary: the reporting
 * feature.)
 */
@ApplicationScoped
@ServedBy(Role.QUERY)
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
public class UserQueryResource {

    @Inject
    ViewCache cache;

    @Inject
    Caller caller;

    @Inject
    ReadYourWrites reads;

    @GET
    @Path("{user_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void get(@PathParam("user_id") String userId, @Context HttpHeaders headers, @Context UriInfo uri,
                    @Suspended AsyncResponse async) throws Exception {
        UUID id = PathIds.uuid("user_id", userId);
        if (!caller.mayAccess(id)) {
            throw new AggregateNotFoundException("user", userId);
        }
        ReadYourWrites.Asked asked = ReadYourWrites.Asked.of(headers, uri);
        reads.answer(async, asked, List.of(), "user_views", () -> cache.answer(UserView.TABLE, id, asked.namesWrites(), view -> true)
                .orElseThrow(() -> new AggregateNotFoundException("user", userId)));
    }
}
