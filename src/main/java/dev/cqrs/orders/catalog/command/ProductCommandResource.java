package dev.cqrs.orders.catalog.command;

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

@ApplicationScoped
@Path("products")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ProductCommandResource {

    @Inject
    AddProductHandler addProduct;

    @POST
    public Response add(InputStream body, @Context UriInfo uriInfo) {
        AddProductCommand command = AddProductCommand.from(JsonInput.parse(body));
        return CommandResponses.created(uriInfo, "products", "product_id", addProduct.handle(command));
    }
}
