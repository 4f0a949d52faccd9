package dev.cqrs.orders.reporting.query;

import dev.cqrs.orders.platform.consistency.ReadYourWrites;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.Resource;
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
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code GET /products/{id}/sales}: what a product sold; the read database only. The name comes
 * from the catalog's published view ({@code product_views}), which also says whether the product
 * exists (404 if not).
 */
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@ServedBy(Role.QUERY)
@Path("products/{product_id}/sales")
public class ProductSalesResource {

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    ReadYourWrites reads;

    /** What a product sold: business figures, for clerks and admins. */
    @GET
    @RolesAllowed({Roles.CLERK, Roles.ADMIN})
    public void sales(@PathParam("product_id") String productId, @Context HttpHeaders headers, @Context UriInfo uri,
                      @Suspended AsyncResponse async) throws Exception {
        UUID id = PathIds.uuid("product_id", productId);
        reads.answer(async, ReadYourWrites.Asked.of(headers, uri), List.of(), "product_sales", () -> sales(id, productId));
    }

    private JsonObject sales(UUID id, String productId) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            String name = Subjects.productName(connection, id, productId);
            ProductSales sales = ProductSales.TABLE.find(connection, id).orElse(new ProductSales(id, 0, BigDecimal.ZERO));
            return JsonSupport.object()
                    .add("product_id", id.toString())
                    .add("product_name", name)
                    .add("units_sold", sales.unitsSold())
                    .add("revenue", sales.revenue().setScale(2))
                    .build();
        }
    }
}
