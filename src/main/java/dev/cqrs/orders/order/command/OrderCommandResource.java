package dev.cqrs.orders.order.command;

import dev.cqrs.orders.platform.command.CommandGateway;
import dev.cqrs.orders.platform.command.CommandResponses;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.platform.command.ExpectedVersion;
import dev.cqrs.orders.platform.command.Idempotency;
import dev.cqrs.orders.platform.json.JsonInput;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.problem.ForbiddenFieldException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Caller;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The order commands. Every one takes an {@code Idempotency-Key}; the changes take
 * {@code If-Match: "<version>"}. {@code confirm}, {@code ship} and {@code cancel} take no body and
 * any Content-Type (or none). Customers place, change and cancel their own orders (another's
 * answers 404, as if it did not exist); clerks confirm and ship; admins do everything.
 */
@ApplicationScoped
@ServedBy(Role.COMMAND)
@Path("orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderCommandResource {

    @Inject
    PlaceOrderHandler placeOrder;

    @Inject
    ChangeOrderHandler changeOrder;

    @Inject
    CommandGateway commands;

    @Inject
    Caller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CUSTOMER, Roles.ADMIN})
    public Response place(byte[] body, @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        PlaceOrderCommand command = PlaceOrderCommand.from(JsonInput.parse(body));
        if (!caller.mayAccess(command.userId())) {
            throw new ForbiddenFieldException("user_id", "customers place orders for themselves only");
        }
        return commands.execute(CommandGateway.Request.of(key, "POST", uriInfo, body),
                () -> placeOrder.handle(command),
                result -> CommandResponses.created(uriInfo, "orders", "order_id", result));
    }

    @PUT
    @Path("{order_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CUSTOMER, Roles.ADMIN})
    public Response changeQuantity(@PathParam("order_id") String orderId, byte[] body,
                                   @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                                   @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        UUID id = PathIds.uuid("order_id", orderId);
        ExpectedVersion expected = ExpectedVersion.fromIfMatch(ifMatch);
        ChangeQuantityCommand command = ChangeQuantityCommand.from(JsonInput.parse(body));
        return commands.execute(CommandGateway.Request.of(key, "PUT", uriInfo, body),
                () -> changeOrder.changeQuantity(id, expected, command.quantity()),
                result -> CommandResponses.ok("order_id", result));
    }

    @POST
    @Path("{order_id}/confirm")
    @RolesAllowed({Roles.CLERK, Roles.ADMIN})
    public Response confirm(@PathParam("order_id") String orderId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                            @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        return transition(orderId, ifMatch, key, uriInfo, changeOrder::confirm);
    }

    @POST
    @Path("{order_id}/ship")
    @RolesAllowed({Roles.CLERK, Roles.ADMIN})
    public Response ship(@PathParam("order_id") String orderId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                         @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        return transition(orderId, ifMatch, key, uriInfo, changeOrder::ship);
    }

    @POST
    @Path("{order_id}/cancel")
    @RolesAllowed({Roles.CUSTOMER, Roles.ADMIN})
    public Response cancel(@PathParam("order_id") String orderId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        return transition(orderId, ifMatch, key, uriInfo, changeOrder::cancel);
    }

    private Response transition(String orderId, String ifMatch, String key, UriInfo uriInfo,
                                BiFunction<UUID, ExpectedVersion, CommandResult> command) {
        UUID id = PathIds.uuid("order_id", orderId);
        ExpectedVersion expected = ExpectedVersion.fromIfMatch(ifMatch);
        // The body, if any, is not read: the fingerprint is the method and the path.
        return commands.execute(CommandGateway.Request.of(key, "POST", uriInfo, null),
                () -> command.apply(id, expected),
                result -> CommandResponses.ok("order_id", result));
    }
}
