package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.platform.command.CommandGateway;
import dev.cqrs.orders.platform.command.CommandResponses;
import dev.cqrs.orders.platform.command.ExpectedVersion;
import dev.cqrs.orders.platform.command.Idempotency;
import dev.cqrs.orders.platform.json.JsonInput;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
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

/**
 * Customers are "users" in the API, as in the seed. Registration is for admins (the identity
 * provider's onboarding): a customer's token names the user id an admin registered. A customer
 * changes their own e-mail only; another user answers 404.
 */
@ApplicationScoped
@ServedBy(Role.COMMAND)
@Path("users")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CustomerCommandResource {

    @Inject
    RegisterCustomerHandler customers;

    @Inject
    CommandGateway commands;

    @Inject
    Caller caller;

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response register(byte[] body, @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        RegisterCustomerCommand command = RegisterCustomerCommand.from(JsonInput.parse(body));
        return commands.execute(CommandGateway.Request.of(key, "POST", uriInfo, body),
                () -> customers.handle(command),
                result -> CommandResponses.created(uriInfo, "users", "user_id", result));
    }

    @PUT
    @Path("{user_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.ADMIN})
    public Response changeEmail(@PathParam("user_id") String userId, byte[] body,
                                @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                                @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        UUID id = PathIds.uuid("user_id", userId);
        if (!caller.mayAccess(id)) {
            throw new AggregateNotFoundException("user", id);
        }
        ExpectedVersion expected = ExpectedVersion.fromIfMatch(ifMatch);
        ChangeEmailCommand command = ChangeEmailCommand.from(JsonInput.parse(body));
        return commands.execute(CommandGateway.Request.of(key, "PUT", uriInfo, body),
                () -> customers.changeEmail(id, expected, command),
                result -> CommandResponses.ok("user_id", result));
    }
}
