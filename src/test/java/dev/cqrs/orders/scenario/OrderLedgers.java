package dev.cqrs.orders.scenario;

import static dev.cqrs.orders.testsupport.TestDatabases.count;

import dev.cqrs.orders.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What a {@link CommandLoad}'s ledger is checked against, straight from the test databases: the
 * views of its customers' orders, and the events the event store holds for them (FaultSuiteIT,
 * ScaleOutIT).
 */
final class OrderLedgers {

    private OrderLedgers() {
    }

    /**
     * Every difference between what clients were told about the phase's orders ({@code expected},
     * {@link CommandLoad#expectedOrders}) and the views of its customers' orders; an event not sent
     * yet or parked is one too.
     */
    static Map<String, String> differences(List<String> phaseCustomers, Map<String, String> expected)
            throws SQLException {
        Map<String, String> shown = rows(TestDatabases.read(),
                "SELECT order_id, user_id, product_id, quantity, status, version FROM order_views WHERE user_id = ANY (?)",
                phaseCustomers);
        Map<String, String> differences = new HashMap<>();
        expected.forEach((id, row) -> {
            if (!row.equals(shown.get(id))) {
                differences.put(id, "acknowledged " + row + ", shown " + shown.get(id));
            }
        });
        shown.keySet().stream().filter(id -> !expected.containsKey(id))
                .forEach(id -> differences.put(id, "shown, never acknowledged: " + shown.get(id)));
        long outbox = count(TestDatabases.write(), "SELECT count(*) FROM outbox");
        if (outbox > 0) {
            differences.put("outbox", outbox + " event(s) not sent yet");
        }
        long parked = count(TestDatabases.read(), "SELECT count(*) FROM parked_events");
        if (parked > 0) {
            differences.put("parked_events", parked + " event(s) parked: " + parkedDetails());
        }
        return differences;
    }

    /** Up to five parked events: what they are, why, and where their aggregate's order view is. */
    private static String parkedDetails() throws SQLException {
        try (Connection read = TestDatabases.read(); PreparedStatement query = read.prepareStatement("""
                SELECT p.aggregate_type, p.aggregate_id, p.sequence, p.state, p.attempts, p.last_error, p.next_attempt_at,
                       p.parked_at, v.version
                FROM parked_events p LEFT JOIN order_views v ON v.order_id = p.aggregate_id
                ORDER BY p.parked_at LIMIT 5""");
             ResultSet rs = query.executeQuery()) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " #" + rs.getInt(3) + " " + rs.getString(4) + " attempts "
                        + rs.getInt(5) + " error " + rs.getString(6) + " next " + rs.getString(7) + " parked " + rs.getString(8)
                        + " view version " + rs.getString(9));
            }
            return rows.toString();
        }
    }

    static Map<String, String> rows(Connection connection, String sql, List<String> ofCustomers)
            throws SQLException {
        try (connection; PreparedStatement query = connection.prepareStatement(sql)) {
            query.setArray(1, connection.createArrayOf("uuid", ofCustomers.stream().map(UUID::fromString).toArray()));
            Map<String, String> rows = new HashMap<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2) + "/" + rs.getString(3) + "/q" + rs.getInt(4) + "/"
                            + rs.getString(5) + "/v" + rs.getInt(6));
                }
            }
            return rows;
        }
    }

    /** The orders the customers placed, from the event store (their OrderPlaced events). */
    static List<UUID> placedBy(List<String> ofCustomers) throws SQLException {
        List<UUID> orders = new ArrayList<>();
        try (Connection write = TestDatabases.write(); PreparedStatement query = write.prepareStatement(
                "SELECT aggregate_id FROM events WHERE type = 'OrderPlaced' AND data->>'user_id' = ANY (?)")) {
            query.setArray(1, write.createArrayOf("varchar", ofCustomers.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    orders.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return orders;
    }

    /** Per order the customers placed, the sequence numbers of its events in the event store. */
    static Map<String, Set<Integer>> storedVersions(List<String> ofCustomers) throws SQLException {
        Map<String, Set<Integer>> versions = new HashMap<>();
        try (Connection write = TestDatabases.write(); PreparedStatement query = write.prepareStatement(
                "SELECT aggregate_id, sequence FROM events WHERE aggregate_id = ANY (?)")) {
            query.setArray(1, write.createArrayOf("uuid", placedBy(ofCustomers).toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    versions.computeIfAbsent(rs.getString(1), id -> new TreeSet<>()).add(rs.getInt(2));
                }
            }
        }
        return versions;
    }

}
