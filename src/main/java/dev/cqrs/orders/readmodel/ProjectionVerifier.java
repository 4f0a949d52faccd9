package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventLog;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Replays the event store through a view's projection, in memory, and lists every row of the view
 * that differs (DESIGN.md promise 5): lost, doubled or corrupted rows. The replay is the
 * projection's own {@code apply} ({@link Replay}), so the verifier holds no rule of its own: it
 * catches drift between the tables and the events, and the tests check the rules themselves
 * against a model of their own.
 *
 * <p>Live tables trail the store, so the comparison is made where each aggregate stands: its events
 * are replayed up to the version the projection's version table holds for it
 * ({@link Projection#versions}); an aggregate that table lacks gets the events at or below the read
 * models' position ({@link ProjectionMonitor}: everything up to there is applied), so a row lost
 * from the view shows as missing. The tables are read in one read_db snapshot.
 */
@ApplicationScoped
public class ProjectionVerifier {

    private static final int LISTED = 1_000;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    EventLog eventLog;

    @Inject
    ProjectionMonitor monitor;

    @Inject
    Projections projections;

    public JsonObject verify(String viewName) throws SQLException {
        Projection projection = projections.owning(viewName)
                .orElseThrow(() -> new IllegalArgumentException("no view is named " + viewName));
        ViewTable<?> view = projections.view(viewName).orElseThrow();
        long position = monitor.check().position();
        Map<String, Map<Object, Integer>> versions = new HashMap<>();
        Map<Object, ? extends Record> shown = read(projection, view, versions);
        Replay replay = new Replay(projection, (event, at) -> {
            Integer version = versions.getOrDefault(event.aggregateType(), Map.of()).get(event.aggregateId());
            return version != null ? event.sequence() <= version : at <= position;
        });
        eventLog.inSnapshot(snapshot -> {
            for (String type : projection.aggregateTypes()) {
                snapshot.ofTypeWithPositions(type, logged -> replay.accept(logged.event(), logged.position()));
            }
            return null;
        });
        return compare(viewName, position, view, shown, replay);
    }

    /** The view's rows and the projection's versions, from one snapshot of read_db. */
    private Map<Object, ? extends Record> read(Projection projection, ViewTable<?> view,
                                               Map<String, Map<Object, Integer>> versions) throws SQLException {
        return Jdbc.inTransaction(readDb, connection -> {
            Jdbc.update(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            for (Map.Entry<String, ViewTable<?>> entry : projection.versions().entrySet()) {
                ViewTable<?> table = entry.getValue();
                Map<Object, Integer> byId = new HashMap<>();
                for (Object[] row : Jdbc.query(connection, "SELECT " + table.key() + ", version FROM " + table.name())) {
                    byId.put(row[0], ((Number) row[1]).intValue());
                }
                versions.put(entry.getKey(), byId);
            }
            return rows(connection, view);
        });
    }

    private static <R extends Record> Map<Object, R> rows(Connection connection, ViewTable<R> view) throws SQLException {
        Map<Object, R> rows = new HashMap<>();
        for (R row : view.select(connection, "")) {
            rows.put(view.keyOf(row), row);
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> JsonObject compare(String name, long position, ViewTable<R> view,
                                                         Map<Object, ? extends Record> shownRows, Replay replay) {
        Map<Object, R> shown = (Map<Object, R>) shownRows;
        MemoryViews.Table<R> expected = replay.views().of(view);
        Map<String, String> kinds = new TreeMap<>();
        Map<String, JsonObjectBuilder> fields = new HashMap<>();
        for (Map.Entry<Object, R> row : shown.entrySet()) {
            String id = row.getKey().toString();
            R want = expected.get(row.getKey()).orElse(null);
            if (want == null) {
                if (!view.isCounters() || !view.isZero(row.getValue())) {
                    kinds.put(id, "unexpected");
                }
                continue;
            }
            JsonObjectBuilder differing = JsonSupport.object();
            boolean differs = false;
            List<ViewTable.Column> columns = view.columns();
            for (int c = 1; c < columns.size(); c++) {
                if (view.isBookkeeping(columns.get(c).name())) {
                    continue;
                }
                Object have = view.value(row.getValue(), c);
                Object should = view.value(want, c);
                if (!ViewTable.sameValue(have, should)) {
                    differing.add(columns.get(c).name(), JsonSupport.object()
                            .add("view", String.valueOf(have)).add("expected", String.valueOf(should)));
                    differs = true;
                }
            }
            if (differs) {
                kinds.put(id, "different");
                fields.put(id, differing);
            }
        }
        for (R row : expected.all()) {
            Object key = view.keyOf(row);
            if (!shown.containsKey(key) && !(view.isCounters() && view.isZero(row))) {
                kinds.put(key.toString(), "missing");
            }
        }
        JsonArrayBuilder differences = JsonSupport.array();
        int count = 0;
        for (Map.Entry<String, String> difference : kinds.entrySet()) {
            if (count++ >= LISTED) {
                break;
            }
            JsonObjectBuilder item = JsonSupport.object().add("id", difference.getKey()).add("kind", difference.getValue());
            JsonObjectBuilder differing = fields.get(difference.getKey());
            if (differing != null) {
                item.add("fields", differing);
            }
            differences.add(item);
        }
        return JsonSupport.object()
                .add("projection", name)
                .add("position", position)
                .add("rows_checked", shown.size())
                .add("differences_total", kinds.size())
                .add("differences", differences)
                .build();
    }
}
