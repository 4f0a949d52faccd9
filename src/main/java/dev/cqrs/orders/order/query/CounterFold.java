package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Moves the projections' {@code counter_deltas} into {@code user_summaries} and
 * {@code product_sales}, every {@code cqrs.counters.fold-interval-ms} (200): one statement takes a
 * batch of deltas (skipping any another instance is folding), deletes them and adds them to the
 * counters, so each delta is counted exactly once, and a reader, which adds the deltas not yet
 * folded in one statement, sees either the delta or its effect, never both or neither.
 */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class CounterFold {

    private static final Logger LOG = Logger.getLogger(CounterFold.class.getName());
    private static final int BATCH = 10_000;

    // Answers how many deltas it moved.
    private static final String FOLD = """
            WITH moved AS (
                DELETE FROM counter_deltas WHERE delta_id IN (
                    SELECT delta_id FROM counter_deltas ORDER BY delta_id LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING user_id, product_id, pending, confirmed, shipped, cancelled, spent, units),
            users AS (
                INSERT INTO user_summaries AS s (user_id, pending, confirmed, shipped, cancelled, total_spent)
                SELECT user_id, sum(pending), sum(confirmed), sum(shipped), sum(cancelled), sum(spent)
                FROM moved GROUP BY user_id ORDER BY user_id
                ON CONFLICT (user_id) DO UPDATE
                SET pending = s.pending + EXCLUDED.pending, confirmed = s.confirmed + EXCLUDED.confirmed,
                    shipped = s.shipped + EXCLUDED.shipped, cancelled = s.cancelled + EXCLUDED.cancelled,
                    total_spent = s.total_spent + EXCLUDED.total_spent),
            products AS (
                INSERT INTO product_sales AS s (product_id, units_sold, revenue)
                SELECT product_id, sum(units), sum(spent) FROM moved GROUP BY product_id ORDER BY product_id
                ON CONFLICT (product_id) DO UPDATE
                SET units_sold = s.units_sold + EXCLUDED.units_sold, revenue = s.revenue + EXCLUDED.revenue)
            SELECT count(*) FROM moved""";

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    @ConfigProperty(name = "cqrs.counters.fold-interval-ms", defaultValue = "200")
    long intervalMillis;

    private volatile ScheduledFuture<?> runs;

    @PostConstruct
    void start() {
        runs = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "folding counter deltas", this::fold), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        runs.cancel(false);
    }

    private void fold() throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            // Autocommit: each batch is one statement, so one transaction.
            while (foldBatch(connection)) {
                LOG.fine("counter_deltas: more than a batch waiting; folding again");
            }
        }
    }

    /** Folds one batch; answers whether it was a whole one (so more may be waiting). */
    private static boolean foldBatch(Connection connection) throws SQLException {
        return ((Number) Jdbc.query(connection, FOLD, BATCH).get(0)[0]).intValue() >= BATCH;
    }
}
