package dev.cqrs.orders.readmodel;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @PostConstruct
    void collect() {
        List<Instance.Handle<Projection>> handles = new ArrayList<>();
        found.handles().forEach(handles::add);
        handles.sort(Comparator.comparingInt(handle -> priority(handle.getBean().getBeanClass())));
        List<Projection> projections = new ArrayList<>();
        handles.forEach(handle -> projections.add(handle.get()));
        all = List.copyOf(projections);
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

    /** The projections that read {@code aggregateType}'s events. */
    public List<Projection> reading(String aggregateType) {
        return all.stream().filter(p -> p.aggregateTypes().contains(aggregateType)).toList();
    }

    /** The projections that read {@code aggregateType}'s events in sequence. */
    public List<Projection> sequencedReaders(String aggregateType) {
        return all.stream().filter(p -> p.aggregateTypes().contains(aggregateType) && p.inSequence(aggregateType)).toList();
    }

    /** Whether some projection needs {@code aggregateType}'s events in sequence. */
    public boolean inSequence(String aggregateType) {
        return all.stream().anyMatch(p -> p.aggregateTypes().contains(aggregateType) && p.inSequence(aggregateType));
    }

    /** Every aggregate type some projection reads, with the tables that hold how far each is applied. */
    public Map<String, List<ViewTable<?>>> versionTables() {
        Map<String, List<ViewTable<?>>> tables = new LinkedHashMap<>();
        for (Projection projection : all) {
            projection.versions().forEach((type, table) -> tables.computeIfAbsent(type, t -> new ArrayList<>()).add(table));
        }
        return tables;
    }

    /**
     * An SQL expression for how far an aggregate of {@code aggregateType} is applied: the lowest
     * version its projections hold (0 where one has none), each of the tables taking the aggregate's
     * id as one parameter ({@link #versionParameters} of them).
     */
    public String versionSql(String aggregateType) {
        List<ViewTable<?>> tables = versionTables().getOrDefault(aggregateType, List.of());
        if (tables.isEmpty()) {
            return "0";
        }
        return "LEAST(" + tables.stream()
                .map(t -> "coalesce((SELECT version FROM " + t.name() + " WHERE " + t.key() + " = ?), 0)")
                .collect(Collectors.joining(", ")) + ")";
    }

    public int versionParameters(String aggregateType) {
        return versionTables().getOrDefault(aggregateType, List.of()).size();
    }
}
