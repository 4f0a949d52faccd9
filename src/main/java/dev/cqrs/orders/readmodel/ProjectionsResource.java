package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import dev.cqrs.orders.platform.problem.ConflictException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
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
import java.sql.ResultSet;
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
@ServedBy(Role.PROJECTOR)
@Path("admin/projections")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectionsResource {

    private static final String REBUILDS = """
            SELECT name, state, started_at, finished_at, events, progress, events_per_second, position, error,
                   state = 'rebuilding' AND heartbeat_at > clock_timestamp() - make_interval(secs => ?) AS beating
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

    @Inject
    ProjectionIntake intake;

    /**
     * One object per view: {@code name}, {@code state} (live or rebuilding), {@code progress}
     * (0-100 while rebuilding), {@code events_per_second}, {@code position}, {@code lag_events},
     * {@code lag_seconds}, and {@code last_rebuild} when there was one.
     */
    /** A row of {@code projection_rebuilds}; {@code beating}: running, and its heartbeat is fresh. */
    private record Rebuild(String name, String state, Instant startedAt, Instant finishedAt, long events,
                           BigDecimal progress, BigDecimal eventsPerSecond, long position, String error, boolean beating) {

        static Rebuild of(ResultSet rs) throws SQLException {
            return new Rebuild(rs.getString("name"), rs.getString("state"), Jdbc.instant(rs, rs.findColumn("started_at")),
                    Jdbc.instant(rs, rs.findColumn("finished_at")), rs.getLong("events"), rs.getBigDecimal("progress"),
                    rs.getBigDecimal("events_per_second"), rs.getLong("position"), rs.getString("error"),
                    rs.getBoolean("beating"));
        }

        /** Its state as operators see it: one that stopped beating while rebuilding failed. */
        String shownState() {
            return beating || !state.equals("rebuilding") ? state : "failed";
        }
    }

    @GET
    public JsonArray list() throws SQLException {
        ProjectionMonitor.Lag lag = monitor.lag();
        Map<String, Rebuild> rebuildRows = new HashMap<>();
        try (Connection connection = readDb.getConnection()) {
            for (Rebuild row : Jdbc.rows(connection, REBUILDS, Rebuild::of, rebuilds.staleAfterSeconds())) {
                rebuildRows.put(row.name(), row);
            }
        }
        JsonArrayBuilder views = JsonSupport.array();
        for (String name : projections.viewNames()) {
            // A rebuild replaces all tables of the view's projection together.
            Rebuild rebuild = rebuildRows.get(projections.owning(name).orElseThrow().name());
            boolean rebuilding = rebuild != null && rebuild.beating();
            JsonObjectBuilder view = JsonSupport.object()
                    .add("name", name)
                    .add("state", rebuilding ? "rebuilding" : "live")
                    .add("progress", rebuilding ? rebuild.progress().doubleValue() : 100.0)
                    .add("events_per_second", rebuilding ? rebuild.eventsPerSecond().doubleValue()
                            : Math.round(lag.eventsPerSecond() * 10) / 10.0)
                    .add("position", lag.position())
                    .add("lag_events", lag.lagEvents())
                    .add("lag_seconds", Math.round(lag.lagSeconds() * 1000) / 1000.0);
            if (rebuild != null) {
                JsonObjectBuilder last = JsonSupport.object()
                        .add("state", rebuild.shownState())
                        .add("started_at", rebuild.startedAt().toString())
                        .add("events", rebuild.events())
                        .add("events_per_second", rebuild.eventsPerSecond().doubleValue())
                        .add("position", rebuild.position());
                if (rebuild.finishedAt() != null) {
                    last.add("finished_at", rebuild.finishedAt().toString());
                }
                if (rebuild.error() != null) {
                    last.add("error", rebuild.error());
                } else if (!rebuilding && rebuild.state().equals("rebuilding")) {
                    last.add("error", "the instance running it stopped reporting");
                }
                view.add("last_rebuild", last);
            }
            views.add(view);
        }
        return views.build();
    }

    /**
     * What became of the broker's deliveries on this instance since it started (see {@link
     * ProjectionIntake#deliveries}): counts per instance, not per view.
     */
    @GET
    @Path("deliveries")
    public JsonObject deliveries() {
        return JsonSupport.counts(intake.deliveries());
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
