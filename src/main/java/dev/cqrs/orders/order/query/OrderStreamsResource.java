package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /admin/streams}: this instance's streams of order changes, open now and since it started ({@link OrderStreams#counts}). */
@RolesAllowed(Roles.ADMIN)
@ServedBy(Role.QUERY)
@Path("admin/streams")
@Produces(MediaType.APPLICATION_JSON)
public class OrderStreamsResource {

    @Inject
    OrderStreams streams;

    @GET
    public JsonObject counts() {
        return JsonSupport.counts(streams.counts());
    }
}
