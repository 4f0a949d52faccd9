package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.eventstore.EventLog;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.QueryParams;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;

/**
 * The event store in global-position order, for operators and downstream readers:
 * {@code GET /admin/events?after=P&limit=N} answers the events numbered after P, and
 * {@code next_after}, the position to ask from next. Following it from 0 visits every event once,
 * an aggregate's in sequence, whatever order concurrent commands committed in.
 */
@RolesAllowed(Roles.ADMIN)
@ServedBy(Role.PROJECTOR)
@Path("admin/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventLogResource {

    @Inject
    EventLog eventLog;

    @GET
    public JsonObject after(@QueryParam("after") String after, @QueryParam("limit") String limit) throws SQLException {
        long from = QueryParams.wholeNumber("after", after, 0, 0, Long.MAX_VALUE - 10_000);
        int max = (int) QueryParams.wholeNumber("limit", limit, 100, 1, 10_000);
        List<EventLog.Logged> events = eventLog.after(from, max);
        JsonArrayBuilder items = JsonSupport.array();
        long next = from;
        for (EventLog.Logged logged : events) {
            items.add(JsonSupport.object().add("position", logged.position()).add("event", logged.event().toJson()));
            next = logged.position();
        }
        return JsonSupport.object()
                .add("items", items)
                .add("next_after", next)
                .add("head", eventLog.head().position())
                .build();
    }
}
