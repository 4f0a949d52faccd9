package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.json.QueryParams;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.problem.ConflictException;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The dead-letter store of the read side, for operators: what is parked and why, and a replay once
 * the cause is fixed.
 */
@RolesAllowed(Roles.ADMIN)
@ServedBy(Role.PROJECTOR)
@Path("admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final Set<String> STATES = Set.of(ParkedEvents.RETRYING, ParkedEvents.DEAD, ParkedEvents.WAITING);

    @Inject
    ParkedEvents parked;

    @Inject
    ProjectionIntake intake;

    /** Parked events, oldest first, each with its state, attempts and last error. */
    @GET
    public JsonObject list(@QueryParam("state") String state, @QueryParam("limit") String limit) {
        if (state != null && !STATES.contains(state)) {
            throw new InvalidInputException(List.of(new FieldError("state", "must be one of retrying, dead, waiting")));
        }
        int max = (int) QueryParams.wholeNumber("limit", limit, 100, 1, 1000);
        JsonArrayBuilder items = JsonSupport.array();
        parked.list(state, max).forEach(items::add);
        return JsonSupport.object().add("items", items).build();
    }

    /**
     * Replays the parked events of the aggregate that {@code id} belongs to, in sequence order, dead
     * ones included; stops at the first that fails again (which stays dead, with the new error).
     */
    @POST
    @Path("{id}/retry")
    public JsonObject retry(@PathParam("id") String id) {
        UUID eventId = PathIds.uuid("id", id);
        UUID aggregateId = parked.aggregateOf(eventId)
                .orElseThrow(() -> new AggregateNotFoundException("parked event", eventId));
        ProjectionIntake.CatchUp result = intake.catchUp(aggregateId, true);
        if (result.failure() != null) {
            throw new ConflictException("replay of " + aggregateId + " applied " + result.applied()
                    + " event(s), then failed again at #" + result.failure().event().sequence()
                    + "; GET /admin/dead-letters shows the error");
        }
        return JsonSupport.object()
                .add("aggregate_id", aggregateId.toString())
                .add("replayed", result.applied())
                .add("still_parked", parked.count(aggregateId))
                .build();
    }
}
