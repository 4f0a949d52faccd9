package dev.cqrs.orders.customer.query;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import jakarta.annotation.Resource;
import dev.cqrs.orders.platform.security.Caller;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A customer's view and order summary; the read database only. A customer reads their own; another
 * user answers 404 as if it did not exist. Clerks and admins read every user.
 */
@ApplicationScoped
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
public class UserQueryResource {

    private static final String USER = "SELECT email, version, created_at, updated_at FROM user_views WHERE user_id = ?";

    // The counters plus the deltas not folded into them yet (CounterFold), in one statement.
    private static final String SUMMARY = """
            SELECT u.email, coalesce(s.pending, 0) + d.pending, coalesce(s.confirmed, 0) + d.confirmed,
                   coalesce(s.shipped, 0) + d.shipped, coalesce(s.cancelled, 0) + d.cancelled,
                   coalesce(s.total_spent, 0.00) + d.spent
            FROM user_views u
            LEFT JOIN user_summaries s ON s.user_id = u.user_id
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(pending), 0) AS pending, coalesce(sum(confirmed), 0) AS confirmed,
                       coalesce(sum(shipped), 0) AS shipped, coalesce(sum(cancelled), 0) AS cancelled,
                       coalesce(sum(spent), 0.00) AS spent
                FROM counter_deltas WHERE user_id = u.user_id) AS d
            WHERE u.user_id = ?""";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    Caller caller;

    @GET
    @Path("{user_id}")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public JsonObject get(@PathParam("user_id") String userId) {
        UUID id = PathIds.uuid("user_id", userId);
        Object[] row = one(USER, id, userId);
        return JsonSupport.object()
                .add("user_id", id.toString())
                .add("email", (String) row[0])
                .add("version", ((Number) row[1]).intValue())
                .add("created_at", row[2].toString())
                .add("updated_at", row[3].toString())
                .build();
    }

    @GET
    @Path("{user_id}/summary")
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public JsonObject summary(@PathParam("user_id") String userId) {
        UUID id = PathIds.uuid("user_id", userId);
        Object[] row = one(SUMMARY, id, userId);
        return JsonSupport.object()
                .add("user_id", id.toString())
                .add("user_email", (String) row[0])
                .add("orders_by_status", JsonSupport.object()
                        .add("PENDING", ((Number) row[1]).longValue())
                        .add("CONFIRMED", ((Number) row[2]).longValue())
                        .add("SHIPPED", ((Number) row[3]).longValue())
                        .add("CANCELLED", ((Number) row[4]).longValue()))
                .add("total_spent", ((BigDecimal) row[5]).setScale(2))
                .build();
    }

    private Object[] one(String sql, UUID id, String idText) {
        if (!caller.mayAccess(id)) {
            throw new AggregateNotFoundException("user", idText);
        }
        return Jdbc.first(readDb, "user " + id, sql, id).orElseThrow(() -> new AggregateNotFoundException("user", idText));
    }
}
