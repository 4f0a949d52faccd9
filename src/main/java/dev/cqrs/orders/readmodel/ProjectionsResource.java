package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.ConflictException;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The views for operators: where each stands against the event store, a rebuild without downtime
 * (of the projection that owns the view: all its tables together), and the verifier.
 */
@RolesAllowed(Roles.ADMIN)
@Path("admin/projections")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectionsResource {

    private static final String REBUILDS = """
            SELECT name, state, started_at, finished_at, events, progress, events_per_second, position, error,
                   state = 'rebuilding' AND heartbeat_at > clock_timestamp() - make_interval(secs => ?)
            FROM projection_rebuilds""";

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    ProjectionMonitor monitor;

    @Inject
    ProjectionRebuilds rebuilds;

    @Inject
    ProjectionVerifier verifier;

    @Inject
    Projections projections;

    /**
     * One object per view: {@code name}, {@code state} (live or rebuilding), {@code progress}
     * (0-100 while rebuilding), {@code events_per_second}, {@code position}, {@code lag_events},
     * {@code lag_seconds}, and {@code last_rebuild} when there was one.
     */
    @GET
    public JsonArray list() throws SQLException {
        ProjectionMonitor.Lag lag = monitor.lag();
        Map<String, Object[]> rebuildRows = new HashMap<>();
        try (Connection connection = readDb.getConnection()) {
            for (Object[] row : Jdbc.query(connection, REBUILDS, rebuilds.staleAfterSeconds())) {
                rebuildRows.put((String) row[0], row);
            }
        }
        JsonArrayBuilder views = JsonSupport.array();
        for (String name : projections.viewNames()) {
            // A rebuild replaces all tables of the view's projection together.
            Object[] rebuild = rebuildRows.get(projections.owning(name).orElseThrow().name());
            boolean rebuilding = rebuild != null && (Boolean) rebuild[9];
            JsonObjectBuilder view = JsonSupport.object()
                    .add("name", name)
                    .add("state", rebuilding ? "rebuilding" : "live")
                    .add("progress", rebuilding ? ((BigDecimal) rebuild[5]).doubleValue() : 100.0)
                    .add("events_per_second", rebuilding ? ((BigDecimal) rebuild[6]).doubleValue()
                            : Math.round(lag.eventsPerSecond() * 10) / 10.0)
                    .add("position", lag.position())
                    .add("lag_events", lag.lagEvents())
                    .add("lag_seconds", Math.round(lag.lagSeconds() * 1000) / 1000.0);
            if (rebuild != null) {
                JsonObjectBuilder last = JsonSupport.object()
                        .add("state", rebuilding || !"rebuilding".equals(rebuild[1]) ? (String) rebuild[1] : "failed")
                        .add("started_at", ((Instant) rebuild[2]).toString())
                        .add("events", ((Number) rebuild[4]).longValue())
                        .add("events_per_second", ((BigDecimal) rebuild[6]).doubleValue())
                        .add("position", ((Number) rebuild[7]).longValue());
                if (rebuild[3] != null) {
                    last.add("finished_at", ((Instant) rebuild[3]).toString());
                }
                if (rebuild[8] != null) {
                    last.add("error", (String) rebuild[8]);
                } else if (!rebuilding && "rebuilding".equals(rebuild[1])) {
                    last.add("error", "the instance running it stopped reporting");
                }
                view.add("last_rebuild", last);
            }
            views.add(view);
        }
        return views.build();
    }

    /** Starts a rebuild: 202, or 409 while one of the same view runs. */
    @POST
    @Path("{name}/rebuild")
    public Response rebuild(@PathParam("name") String name) throws SQLException {
        known(name);
        if (!rebuilds.start(name)) {
            throw new ConflictException("a rebuild of " + name + " is running; GET /admin/projections shows its progress");
        }
        return Response.accepted(JsonSupport.object().add("projection", name).add("state", "rebuilding").build()).build();
    }

    /** Recomputes the view from the event store and lists the rows that differ. */
    @POST
    @Path("{name}/verify")
    public JsonObject verify(@PathParam("name") String name) throws SQLException {
        known(name);
        return verifier.verify(name);
    }

    private void known(String name) {
        if (projections.owning(name).isEmpty()) {
            throw new AggregateNotFoundException("projection", name);
        }
    }
}
