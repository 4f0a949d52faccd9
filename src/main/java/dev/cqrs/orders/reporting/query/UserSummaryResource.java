package dev.cqrs.orders.reporting.query;

import dev.cqrs.orders.platform.consistency.ReadYourWrites;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Caller;
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
 * {@code GET /users/{id}/summary}: a customer's orders by status and what they spent; the read
 * database only. The e-mail comes from the customers' published view ({@code user_views}), which
 * also says whether the customer exists (404 if not).
 */
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@ServedBy(Role.QUERY)
@Path("users/{user_id}/summary")
public class UserSummaryResource {

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    Caller caller;

    @Inject
    ReadYourWrites reads;

    /** A customer reads their own; another user answers 404 as if it did not exist. */
    @GET
    @RolesAllowed({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
    public void summary(@PathParam("user_id") String userId, @Context HttpHeaders headers, @Context UriInfo uri,
                        @Suspended AsyncResponse async) throws Exception {
        UUID id = PathIds.uuid("user_id", userId);
        if (!caller.mayAccess(id)) {
            throw new AggregateNotFoundException("user", userId);
        }
        reads.answer(async, ReadYourWrites.Asked.of(headers, uri), List.of(), "user_summaries", () -> summary(id, userId));
    }

    private JsonObject summary(UUID id, String userId) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            String email = Subjects.userEmail(connection, id, userId);
            UserSummary summary = UserSummary.TABLE.find(connection, id)
                    .orElse(new UserSummary(id, 0, 0, 0, 0, BigDecimal.ZERO));
            return JsonSupport.object()
                    .add("user_id", id.toString())
                    .add("user_email", email)
                    .add("orders_by_status", JsonSupport.object()
                            .add("PENDING", summary.pending())
                            .add("CONFIRMED", summary.confirmed())
                            .add("SHIPPED", summary.shipped())
                            .add("CANCELLED", summary.cancelled()))
                    .add("total_spent", summary.totalSpent().setScale(2))
                    .build();
        }
    }
}
