package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.platform.command.CommandResponses;
import dev.cqrs.orders.platform.json.JsonInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;

/** Customers are "users" in the API, as in the seed. */
@ApplicationScoped
@Path("users")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CustomerCommandResource {

    @Inject
    RegisterCustomerHandler registerCustomer;

    @POST
    public Response register(InputStream body, @Context UriInfo uriInfo) {
        RegisterCustomerCommand command = RegisterCustomerCommand.from(JsonInput.parse(body));
        return CommandResponses.created(uriInfo, "users", "user_id", registerCustomer.handle(command));
    }
}
