package dev.cqrs.orders.customer.query;

import java.util.List;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import dev.cqrs.orders.platform.consistency.ReadYourWrites;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.security.Caller;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A customer's view; the read database only. A customer reads their own; another user answers 404
 * as if it did not exist. Clerks and admins read every user. (The order summary: the reporting
 * feature.)
 */
@ApplicationScoped
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
public class UserQueryResource {

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

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
        reads.answer(async, ReadYourWrites.Asked.of(headers, uri), List.of(), "user_views", () -> {
            try (Connection connection = readDb.getConnection()) {
                return UserView.TABLE.find(connection, id).map(UserView::toJson)
                        .orElseThrow(() -> new AggregateNotFoundException("user", userId));
            }
        });
    }
}
