package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventLog;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How far the live read models trail the event store. Every {@code cqrs.projection.monitor-interval-ms}
 * (1000) it moves their position: the highest global position up to which every event is applied,
 * judged by the versions the projections hold ({@link Projection#versions}: an event is applied
 * when every projection that reads it holds its aggregate at its sequence or later). An event the views do not have yet (in the outbox, in the broker, parked)
 * stops the position there. Lag: the events after the position ({@code lag_events}) and the age of
 * the first of them ({@code lag_seconds}). Kept in read_db ({@code projection_positions}), so a
 * restart goes on from there. Reported per view by {@code GET /admin/projections} and in the
 * readiness data ({@link ProjectionLagCheck}), on every server: MicroProfile Metrics is not
 * portable (WildFly no longer ships it).
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class ProjectionMonitor {

    private static final Logger LOG = Logger.getLogger(ProjectionMonitor.class.getName());
    private static final String READ_MODELS = "read_models";
    // A check reads the entries after the position in batches that start small and double while
    // every entry is applied: a position held back by one missing event (parked, in the broker)
    // costs one small read a second, not 10,000 entries and their views' versions.
    private static final int FIRST_BATCH = 100;
    private static final int LARGEST_BATCH = 10_000;

    private static final String SAVE = """
            INSERT INTO projection_positions AS p (name, position, updated_at) VALUES (?, ?, clock_timestamp())
            ON CONFLICT (name) DO UPDATE SET position = GREATEST(p.position, EXCLUDED.position), updated_at = clock_timestamp()""";

    /** Where the live read models stand. {@code lagSeconds} is 0 when nothing is missing. */
    public record Lag(long position, long head, long lagEvents, double lagSeconds, double eventsPerSecond,
                      Instant checkedAt) {
        static final Lag UNKNOWN = new Lag(0, 0, 0, 0, 0, null);
    }

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    EventLog eventLog;

    @Inject
    Projections projections;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "cqrs.projection.monitor-interval-ms", defaultValue = "1000")
    long intervalMillis;

    private volatile Lag lag = Lag.UNKNOWN;
    private volatile ScheduledFuture<?> runs;
    private long position = -1;

    /** Projector instances only (each measures; the saved position only moves forward). */
    @PostConstruct
    void start() {
        if (measures()) {
            runs = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "measuring projection lag", this::check), 0, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (runs != null) {
            runs.cancel(false);
        }
    }

    /** Whether this instance measures the lag (projector instances). */
    public boolean measures() {
        return InstanceRoles.has(Role.PROJECTOR);
    }

    /** The last measurement (at most one interval old, unless the databases are unreachable). */
    public Lag lag() {
        return lag;
    }

    /** Moves the position as far as the views allow, now, and answers the lag. */
    public synchronized Lag check() throws SQLException {
        Lag before = lag;
        if (position < 0) {
            position = stored();
        }
        EventLog.Head head = eventLog.head();
        EventLog.Entry firstMissing = null;
        for (int batch = FIRST_BATCH; firstMissing == null && position < head.position();
                batch = Math.min(2 * batch, LARGEST_BATCH)) {
            List<EventLog.Entry> entries = eventLog.entriesAfter(position, batch);
            if (entries.isEmpty()) {
                break;
            }
            Map<UUID, Integer> versions = versions(entries);
            for (EventLog.Entry entry : entries) {
                if (!isShown(entry.aggregateType()) || versions.getOrDefault(entry.aggregateId(), 0) >= entry.sequence()) {
                    position = entry.position();
                } else {
                    firstMissing = entry;
                    break;
                }
            }
        }
        if (position != before.position() || before.checkedAt() == null) {
            save(position);
        }
        Instant now = Instant.now();
        long lagEvents = Math.max(0, head.position() - position);
        double lagSeconds = firstMissing == null ? 0
                : Math.max(0, Duration.between(firstMissing.occurredAt(), now).toNanos() / 1e9);
        double rate = before.checkedAt() == null ? 0
                : (position - before.position()) / Math.max(Duration.between(before.checkedAt(), now).toNanos() / 1e9, 1e-3);
        lag = new Lag(position, head.position(), lagEvents, lagSeconds, rate, now);
        return lag;
    }

    private boolean isShown(String aggregateType) {
        return projections.versionTables().containsKey(aggregateType);
    }

    /**
     * How far the projections have applied the aggregates of {@code entries}: per aggregate the
     * lowest version its projections' tables hold (an aggregate a table lacks counts as 0).
     */
    private Map<UUID, Integer> versions(List<EventLog.Entry> entries) throws SQLException {
        Map<String, List<UUID>> byType = new HashMap<>();
        for (EventLog.Entry entry : entries) {
            byType.computeIfAbsent(entry.aggregateType(), type -> new ArrayList<>()).add(entry.aggregateId());
        }
        Map<UUID, Integer> versions = new HashMap<>();
        Map<String, List<ViewTable<?>>> tables = projections.versionTables();
        try (Connection connection = readDb.getConnection()) {
            for (Map.Entry<String, List<UUID>> type : byType.entrySet()) {
                boolean first = true;
                for (ViewTable<?> table : tables.getOrDefault(type.getKey(), List.of())) {
                    Map<UUID, Integer> held = new HashMap<>();
                    versions(connection, "SELECT " + table.key() + ", version FROM " + table.name() + " WHERE "
                            + table.key() + " = ANY (?)", type.getValue(), held);
                    for (UUID id : type.getValue()) {
                        int version = held.getOrDefault(id, 0);
                        versions.merge(id, version, first ? (a, b) -> b : Math::min);
                    }
                    first = false;
                }
            }
        }
        return versions;
    }

    private static void versions(Connection connection, String sql, List<UUID> ids, Map<UUID, Integer> into)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    into.put(Jdbc.uuid(rs, 1), rs.getInt(2));
                }
            }
        }
    }

    private long stored() throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            List<Long> positions = Jdbc.rows(connection, "SELECT position FROM projection_positions WHERE name = ?",
                    rs -> rs.getLong("position"), READ_MODELS);
            return positions.isEmpty() ? 0 : positions.get(0);
        }
    }

    private void save(long at) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            Jdbc.update(connection, SAVE, READ_MODELS, at);
        }
    }
}
