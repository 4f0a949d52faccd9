package dev.cqrs.orders.catalog.query;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import jakarta.annotation.Resource;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.util.UUID;
import javax.sql.DataSource;

/** A product's view and its sales; the read database only. */
@ApplicationScoped
@Path("products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductQueryResource {

    private static final String PRODUCT =
            "SELECT name, price, version, created_at, updated_at FROM product_views WHERE product_id = ?";

    // The counters plus the deltas not folded into them yet (CounterFold), in one statement.
    private static final String SALES = """
            SELECT p.name, coalesce(s.units_sold, 0) + d.units, coalesce(s.revenue, 0.00) + d.spent
            FROM product_views p
            LEFT JOIN product_sales s ON s.product_id = p.product_id
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(units), 0) AS units, coalesce(sum(spent), 0.00) AS spent
                FROM counter_deltas WHERE product_id = p.product_id) AS d
            WHERE p.product_id = ?""";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @GET
    @Path("{product_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public JsonObject get(@PathParam("product_id") String productId) {
        UUID id = PathIds.uuid("product_id", productId);
        Object[] row = one(PRODUCT, id, productId);
        return JsonSupport.object()
                .add("product_id", id.toString())
                .add("name", (String) row[0])
                .add("price", ((BigDecimal) row[1]).setScale(2))
                .add("version", ((Number) row[2]).intValue())
                .add("created_at", row[3].toString())
                .add("updated_at", row[4].toString())
                .build();
    }

    /** What a product sold: business figures, for clerks and admins. */
    @GET
    @Path("{product_id}/sales")
    @RolesAllowed({Roles.CLERK, Roles.ADMIN})
    public JsonObject sales(@PathParam("product_id") String productId) {
        UUID id = PathIds.uuid("product_id", productId);
        Object[] row = one(SALES, id, productId);
        return JsonSupport.object()
                .add("product_id", id.toString())
                .add("product_name", (String) row[0])
                .add("units_sold", ((Number) row[1]).longValue())
                .add("revenue", ((BigDecimal) row[2]).setScale(2))
                .build();
    }

    private Object[] one(String sql, UUID id, String idText) {
        return Jdbc.first(readDb, "product " + id, sql, id).orElseThrow(() -> new AggregateNotFoundException("product", idText));
    }
}
