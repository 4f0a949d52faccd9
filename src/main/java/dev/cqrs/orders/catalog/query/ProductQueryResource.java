package dev.cqrs.orders.catalog.query;

import java.util.List;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import dev.cqrs.orders.platform.consistency.ReadYourWrites;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
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

/** A product's view; the read database only. (Its sales: the reporting feature.) */
@ApplicationScoped
@Path("products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductQueryResource {

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    ReadYourWrites reads;

    @GET
    @Path("{product_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void get(@PathParam("product_id") String productId, @Context HttpHeaders headers, @Context UriInfo uri,
                    @Suspended AsyncResponse async) throws Exception {
        UUID id = PathIds.uuid("product_id", productId);
        reads.answer(async, ReadYourWrites.Asked.of(headers, uri), List.of(), "product_views", () -> {
            try (Connection connection = readDb.getConnection()) {
                return ProductView.TABLE.find(connection, id).map(ProductView::toJson)
                        .orElseThrow(() -> new AggregateNotFoundException("product", productId));
            }
        });
    }
}
