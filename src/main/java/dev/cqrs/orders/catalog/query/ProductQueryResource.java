package dev.cqrs.orders.catalog.query;

import dev.cqrs.orders.platform.consistency.ReadYourWrites;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
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

/** A product's view; the read database only. (Its sales: the reporting feature.) */
@ApplicationScoped
@ServedBy(Role.QUERY)
@Path("products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductQueryResource {

    @Inject
    ViewCache cache;

    @Inject
    ReadYourWrites reads;

    @GET
    @Path("{product_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void get(@PathParam("product_id") String productId, @Context HttpHeaders headers, @Context UriInfo uri,
                    @Suspended AsyncResponse async) throws Exception {
        UUID id = PathIds.uuid("product_id", productId);
        ReadYourWrites.Asked asked = ReadYourWrites.Asked.of(headers, uri);
        reads.answer(async, asked, List.of(), "product_views", () -> cache.answer(ProductView.TABLE, id, asked.namesWrites(), view -> true)
                .orElseThrow(() -> new AggregateNotFoundException("product", productId)));
    }
}
