package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.schedule.OneAtATime;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Moves the counter deltas of every counter table ({@link ViewTable#counters}) into the table, every
 * {@code cqrs.counters.fold-interval-ms} (200): one statement takes a batch of deltas (skipping any
 * another instance is folding), deletes them and adds them to the counters, so each delta is
 * counted exactly once, and a reader, which adds the deltas not yet folded in one statement
 * ({@link ViewTable#select}), sees either the delta or its effect, never both or neither.
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class CounterFold {

    private static final Logger LOG = Logger.getLogger(CounterFold.class.getName());
    private static final int BATCH = 10_000;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    Projections projections;

    @Inject
    @ConfigProperty(name = "cqrs.counters.fold-interval-ms", defaultValue = "200")
    long intervalMillis;

    private volatile ScheduledFuture<?> runs;
    private List<String> folds;

    @PostConstruct
    void start() {
        folds = projections.all().stream().flatMap(p -> p.tables().stream()).filter(ViewTable::isCounters)
                .map(CounterFold::foldSql).toList();
        if (InstanceRoles.has(Role.PROJECTOR)) {
            runs = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "folding counter deltas",
                    () -> OneAtATime.run(readDb, OneAtATime.Job.COUNTER_FOLD, this::fold)),
                    intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (runs != null) {
            runs.cancel(false);
        }
    }

    /** The statement that folds a batch of a table's deltas and answers how many it moved. */
    static String foldSql(ViewTable<?> table) {
        List<String> counters = table.columns().stream().skip(1).map(ViewTable.Column::name).toList();
        String key = table.key();
        return """
                WITH moved AS (
                    DELETE FROM %2$s WHERE delta_id IN (
                        SELECT delta_id FROM %2$s ORDER BY delta_id LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING %3$s),
                folded AS (
                    INSERT INTO %1$s AS s (%3$s)
                    SELECT %4$s, %5$s FROM moved GROUP BY %4$s ORDER BY %4$s
                    ON CONFLICT (%4$s) DO UPDATE SET %6$s)
                SELECT count(*) FROM moved""".formatted(table.name(), table.deltas(), table.columnList(), key,
                counters.stream().map(c -> "sum(" + c + ")").collect(Collectors.joining(", ")),
                counters.stream().map(c -> c + " = s." + c + " + EXCLUDED." + c).collect(Collectors.joining(", ")));
    }

    private void fold() throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            // Autocommit: each batch is one statement, so one transaction.
            for (String fold : folds) {
                while (((Number) Jdbc.query(connection, fold, BATCH).get(0)[0]).intValue() >= BATCH) {
                    LOG.fine("counter deltas: more than a batch waiting; folding again");
                }
            }
        }
    }
}
