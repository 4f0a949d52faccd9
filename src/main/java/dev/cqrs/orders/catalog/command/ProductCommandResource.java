package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.platform.command.CommandGateway;
import dev.cqrs.orders.platform.command.CommandResponses;
import dev.cqrs.orders.platform.command.ExpectedVersion;
import dev.cqrs.orders.platform.command.Idempotency;
import dev.cqrs.orders.platform.json.JsonInput;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
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

@ApplicationScoped
@ServedBy(Role.COMMAND)
@Path("products")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ProductCommandResource {

    @Inject
    AddProductHandler addProduct;

    @Inject
    ChangeProductHandler changeProduct;

    @Inject
    CommandGateway commands;

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response add(byte[] body, @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        AddProductCommand command = AddProductCommand.from(JsonInput.parse(body));
        return commands.execute(CommandGateway.Request.of(key, "POST", uriInfo, body),
                () -> addProduct.handle(command),
                result -> CommandResponses.created(uriInfo, "products", "product_id", result));
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Path("{product_id}")
    public Response change(@PathParam("product_id") String productId, byte[] body,
                           @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           @HeaderParam(Idempotency.HEADER) String key, @Context UriInfo uriInfo) {
        UUID id = PathIds.uuid("product_id", productId);
        ExpectedVersion expected = ExpectedVersion.fromIfMatch(ifMatch);
        ChangeProductCommand command = ChangeProductCommand.from(JsonInput.parse(body));
        return commands.execute(CommandGateway.Request.of(key, "PUT", uriInfo, body),
                () -> changeProduct.handle(id, expected, command),
                result -> CommandResponses.ok("product_id", result));
    }
}
