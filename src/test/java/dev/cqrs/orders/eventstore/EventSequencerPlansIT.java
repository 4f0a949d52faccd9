package dev.cqrs.orders.eventstore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sequencer runs every 50 ms on every instance, idle or not: its statements must find the new
 * events through {@code events_tx_id_idx} however large the store is, also with the generic plan
 * PostgreSQL switches to once the driver prepares a statement on the server. (They scanned the
 * whole table: 0.75 s per idle run with a million events, a core kept busy.) Checked on a store of
 * realistic size: 200,000 events added and analyzed in a transaction that is rolled back.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EventSequencerPlansIT {

    @Deployment(testable = false)
    static WebArchive application() {
        // Deployed so that the schema is migrated, whichever test runs first.
        return Deployments.applicationAtRoot();
    }

    @Test
    void newEventsAreFoundThroughTheTransactionIdIndexAlsoByAGenericPlan() throws SQLException {
        try (Connection write = TestDatabases.write(); Statement sql = write.createStatement()) {
            write.setAutoCommit(false);
            try {
                sql.execute("""
                        INSERT INTO events (aggregate_id, sequence, event_id, aggregate_type, type, occurred_at,
                                            command_id, principal, schema_version, data)
                        SELECT gen_random_uuid(), 1, gen_random_uuid(), 'probe', 'ProbeRecorded', clock_timestamp(),
                               gen_random_uuid(), 'test', 1, '{}'
                        FROM generate_series(1, 200000)""");
                sql.execute("ANALYZE events");
                sql.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                String snapshot = "'" + TestDatabases.value(write, "SELECT pg_current_snapshot()::text") + "'";
                assertUsesTheIndex(sql, "anything_new", EventSequencer.ANYTHING_NEW, snapshot + ", " + snapshot);
                assertUsesTheIndex(sql, "sequence", EventSequencer.SEQUENCE, "0, " + snapshot + ", " + snapshot);
            } finally {
                write.rollback();
            }
        }
    }

    private static void assertUsesTheIndex(Statement sql, String name, String statement, String arguments)
            throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int parameter = 0;
        for (char c : statement.toCharArray()) {
            numbered.append(c == '?' ? "$" + ++parameter : String.valueOf(c));
        }
        sql.execute("PREPARE " + name + " AS " + numbered);
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = sql.executeQuery("EXPLAIN EXECUTE " + name + "(" + arguments + ")")) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        assertTrue(plan.toString().contains("events_tx_id_idx"), name + ":\n" + plan);
        assertFalse(plan.toString().contains("Seq Scan on events"), name + ":\n" + plan);
    }
}
