package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.consistency.ReadYourWrites;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.json.Uuids;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Caller;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
@ServedBy(Role.QUERY)
@Path("orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderQueryResource {

    @Inject
    OrderQueryService orders;

    @Inject
    Caller caller;

    @Inject
    ReadYourWrites reads;

    @Inject
    OrderStreams streams;

    @GET
    @Path("{order_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void get(@PathParam("order_id") String orderId, @QueryParam("min_version") String minVersion,
                    @Context HttpHeaders headers, @Context UriInfo uri, @Suspended AsyncResponse async) throws Exception {
        UUID id = PathIds.uuid("order_id", orderId);
        Caller.Access access = caller.access();
        ReadYourWrites.Asked asked = ReadYourWrites.Asked.of(headers, uri);
        boolean fresh = asked.namesWrites() || minVersion != null;
        reads.answer(async, asked, ReadYourWrites.minVersion(id, minVersion), "order_views", () -> orders.answer(id, fresh, view -> access.mayAccess(view.userId()))
                .orElseThrow(() -> new AggregateNotFoundException("order", orderId)));
    }

    /**
     * Server-sent events of the order's view: each change, from now or from {@code Last-Event-ID}
     * ({@link OrderStreams}). A customer's stream of another's order stays silent (as a list of
     * theirs finds nothing), whether the order exists or not.
     */
    @GET
    @Path("{order_id}/changes")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void changes(@PathParam("order_id") String orderId, @HeaderParam("Last-Event-ID") String lastEventId,
                        @Context SseEventSink sink, @Context Sse sse) {
        UUID id = PathIds.uuid("order_id", orderId);
        streams.open(sink, sse, caller.userId(), caller.access(), view -> view.orderId().equals(id), lastEventId);
    }

    /**
     * Server-sent events of every order view {@code GET /orders} would list with the same {@code
     * user_id}, {@code product_id} and {@code status}: a customer's are always of their own orders.
     */
    @GET
    @Path("changes")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void changes(@QueryParam("user_id") String userId, @QueryParam("product_id") String productId,
                        @QueryParam("status") String status, @HeaderParam("Last-Event-ID") String lastEventId,
                        @Context SseEventSink sink, @Context Sse sse) {
        OrderListQuery query = OrderListQuery.of(userId, productId, status, null, null, null, null);
        streams.open(sink, sse, caller.userId(), caller.access(),
                OrderStreams.filter(query.userId(), query.productId(), query.status()), lastEventId);
    }

    /** A customer's list is always of their own orders: another {@code user_id} finds nothing. */
    @GET
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void list(@QueryParam("user_id") String userId, @QueryParam("product_id") String productId,
                     @QueryParam("status") String status, @QueryParam("created_from") String createdFrom,
                     @QueryParam("created_to") String createdTo, @QueryParam("limit") String limit,
                     @QueryParam("cursor") String cursor, @Context HttpHeaders headers, @Context UriInfo uri,
                     @Suspended AsyncResponse async) throws Exception {
        OrderListQuery query = OrderListQuery.of(userId, productId, status, createdFrom, createdTo, limit, cursor);
        Caller.Access access = caller.access();
        reads.answer(async, ReadYourWrites.Asked.of(headers, uri), List.of(), "order_views", () -> list(query, access));
    }

    private JsonObject list(OrderListQuery query, Caller.Access access) {
        OrderQueryService.Page page;
        if (!access.limitedToOwnData()) {
            page = orders.list(query);
        } else {
            // A subject that is not a user id, or another user_id asked for, names no orders of theirs.
            Optional<UUID> own = Uuids.parse(access.userId());
            page = own.isPresent() && (query.userId() == null || query.userId().equals(own.get()))
                    ? orders.list(query.forUser(own.get())) : new OrderQueryService.Page(List.of(), null);
        }
        JsonArrayBuilder items = JsonSupport.array();
        page.items().forEach(view -> items.add(view.toJson()));
        JsonObjectBuilder body = JsonSupport.object().add("items", items);
        if (page.next() != null) {
            body.add("next_cursor", page.next().encode());
        } else {
            body.addNull("next_cursor");
        }
        return body.build();
    }
}
