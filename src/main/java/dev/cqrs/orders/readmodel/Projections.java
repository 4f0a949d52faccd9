package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.persistence.Jdbc;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Every {@link Projection} of the application, found through CDI and ordered by their
 * {@code @Priority} (the order {@code GET /admin/projections} lists their views in), and what the
 * runtime asks of them together.
 */
@ApplicationScoped
public class Projections {

    @Inject
    @Any
    Instance<Projection> found;

    private List<Projection> all;

    private Map<String, Readers> byType;

    @PostConstruct
    void collect() {
        List<Instance.Handle<Projection>> handles = new ArrayList<>();
        found.handles().forEach(handles::add);
        handles.sort(Comparator.comparingInt(handle -> priority(handle.getBean().getBeanClass())));
        List<Projection> projections = new ArrayList<>();
        handles.forEach(handle -> projections.add(handle.get()));
        all = List.copyOf(projections);
        Map<String, List<Projection>> reading = new LinkedHashMap<>();
        all.forEach(p -> p.aggregateTypes().forEach(type -> reading.computeIfAbsent(type, t -> new ArrayList<>()).add(p)));
        Map<String, Readers> readers = new LinkedHashMap<>();
        reading.forEach((type, list) -> readers.put(type, Readers.of(type, List.copyOf(list))));
        byType = readers;
    }

    private static int priority(Class<?> type) {
        Priority priority = type.getAnnotation(Priority.class);
        return priority == null ? Integer.MAX_VALUE : priority.value();
    }

    public List<Projection> all() {
        return all;
    }

    /** The names of the views clients read, in order: what the admin API lists, rebuilds and verifies. */
    public List<String> viewNames() {
        List<String> names = new ArrayList<>();
        all.forEach(p -> p.views().forEach(view -> names.add(view.name())));
        return names;
    }

    /** The projection that owns the view {@code name}. */
    public Optional<Projection> owning(String viewName) {
        return all.stream().filter(p -> p.views().stream().anyMatch(v -> v.name().equals(viewName))).findFirst();
    }

    public Optional<ViewTable<?>> view(String viewName) {
        return all.stream().flatMap(p -> p.views().stream()).filter(v -> v.name().equals(viewName)).findFirst();
    }

    /** The projections that read {@code aggregateType}'s events ({@link Readers#NONE} when none does). */
    public Readers readers(String aggregateType) {
        return byType.getOrDefault(aggregateType, Readers.NONE);
    }

    /** {@code count} times the aggregate's id: the parameters of a select of its versions (and the gate's). */
    static Object[] ids(UUID id, int count) {
        Object[] ids = new Object[count];
        Arrays.fill(ids, id);
        return ids;
    }

    /** The aggregate types some projection reads in sequence. */
    public List<String> sequencedTypes() {
        return byType.entrySet().stream().filter(e -> !e.getValue().sequenced().isEmpty()).map(Map.Entry::getKey).toList();
    }

    /**
     * The projections that read one aggregate type's events, in order, and those of them that read
     * them in sequence, with the SQL select list of the version each of those holds of an
     * aggregate ({@code versionColumns}: one column and one parameter, the aggregate's id, each;
     * {@code versionColumnsOfA}: the same for the id in a column {@code a.id}, no parameter).
     * Made once, at start: the gate asks for it with every event.
     */
    public record Readers(List<Projection> all, List<Projection> sequenced, String versionColumns,
                          String versionColumnsOfA) {

        static final Readers NONE = new Readers(List.of(), List.of(), "", "");

        static Readers of(String aggregateType, List<Projection> all) {
            List<Projection> sequenced = all.stream().filter(p -> p.inSequence(aggregateType)).toList();
            return new Readers(all, sequenced, versionColumns(aggregateType, sequenced, "?"),
                    versionColumns(aggregateType, sequenced, "a.id"));
        }

        private static String versionColumns(String aggregateType, List<Projection> sequenced, String id) {
            return sequenced.stream().map(p -> p.versions().get(aggregateType))
                    .map(t -> "(SELECT version FROM " + t.name() + " WHERE " + t.key() + " = " + id + ")")
                    .collect(Collectors.joining(", "));
        }

        /**
         * What the projections reading in sequence hold of the aggregate {@code id}, read on
         * {@code connection} with {@link #versionColumns} (no query when none reads in sequence).
         */
        public Held held(Connection connection, UUID id, int sequence) throws SQLException {
            if (sequenced.isEmpty()) {
                return held(new Object[0], sequence);
            }
            return held(Jdbc.query(connection, "SELECT " + versionColumns, ids(id, sequenced.size())).get(0), sequence);
        }

        /**
         * What the projections reading in sequence hold of an aggregate, from the first
         * {@code sequenced().size()} values of {@code row} (read with {@link #versionColumns}):
         * those already past {@code sequence}, and the lowest version (0 for none; {@code
         * Integer.MAX_VALUE} when no projection reads in sequence).
         */
        public Held held(Object[] row, int sequence) {
            Set<Projection> holding = new HashSet<>();
            int lowest = Integer.MAX_VALUE;
            for (int i = 0; i < sequenced.size(); i++) {
                int applied = row[i] == null ? 0 : ((Number) row[i]).intValue();
                lowest = Math.min(lowest, applied);
                if (sequence <= applied) {
                    holding.add(sequenced.get(i));
                }
            }
            return new Held(!sequenced.isEmpty(), holding, lowest);
        }
    }

    /**
     * What the projections reading an aggregate type in sequence hold of one aggregate ({@code
     * inSequence} false: none reads it in sequence). See {@link Readers#held}.
     */
    public record Held(boolean inSequence, Set<Projection> holding, int lowest) {
    }

    /** Every aggregate type some projection reads, with the tables that hold how far each is applied. */
    public Map<String, List<ViewTable<?>>> versionTables() {
        Map<String, List<ViewTable<?>>> tables = new LinkedHashMap<>();
        for (Projection projection : all) {
            projection.versions().forEach((type, table) -> tables.computeIfAbsent(type, t -> new ArrayList<>()).add(table));
        }
        return tables;
    }
}
