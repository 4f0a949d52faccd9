package dev.cqrs.orders.catalog.query;

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

    @GET
    @Path("{product_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public JsonObject get(@PathParam("product_id") String productId) throws SQLException {
        UUID id = PathIds.uuid("product_id", productId);
        try (Connection connection = readDb.getConnection()) {
            return ProductView.TABLE.find(connection, id).map(ProductView::toJson)
                    .orElseThrow(() -> new AggregateNotFoundException("product", productId));
        }
    }
}
