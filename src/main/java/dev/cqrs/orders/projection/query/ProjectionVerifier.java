package dev.cqrs.orders.projection.query;

import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.platform.events.EventLog;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.projection.query.ReadModelFold.OrderRow;
import dev.cqrs.orders.projection.query.ReadModelFold.ProductRow;
import dev.cqrs.orders.projection.query.ReadModelFold.UserRow;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Recomputes a view from the event store and lists every row that differs (DESIGN.md promise 5).
 *
 * <p>Live views trail the store, so the comparison is made where each row stands: a row is
 * recomputed from its aggregate's events up to the version it says it has applied (and the
 * product name and e-mail from the product and customer versions the read side has applied). A
 * row the view lacks counts as missing only if one of its events is at or below the read models'
 * position ({@link ProjectionMonitor}: everything up to there is applied). The counters are
 * recomputed from the recomputed orders and compared with their tables plus unfolded deltas, all
 * read in one read_db snapshot.
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

    /** What one view holds, read in one snapshot. */
    private static final class Actual {
        final Map<UUID, Map<String, Object>> orders = new HashMap<>();
        final Map<UUID, Map<String, Object>> products = new HashMap<>();
        final Map<UUID, Map<String, Object>> users = new HashMap<>();
        final Map<UUID, Map<String, Object>> userSummaries = new HashMap<>();
        final Map<UUID, Map<String, Object>> productSales = new HashMap<>();
    }

    public JsonObject verify(String name) throws SQLException {
        if (!ProjectionRebuilds.NAMES.contains(name)) {
            throw new IllegalArgumentException("no view is named " + name);
        }
        long position = monitor.check().position();
        Actual actual = read();
        Set<UUID> missing = new java.util.HashSet<>();
        Map<String, Map<UUID, Map<String, Object>>> byType = Map.of(OrderEvents.AGGREGATE_TYPE, actual.orders,
                ProductEvents.AGGREGATE_TYPE, actual.products, CustomerEvents.AGGREGATE_TYPE, actual.users);
        ReadModelFold fold = new ReadModelFold((type, id) -> {
            Map<String, Object> row = byType.get(type).get(id);
            return row == null ? 0 : ((Number) row.get("version")).intValue();
        });
        Map<UUID, Boolean> inStore = new HashMap<>();
        eventLog.inSnapshot(snapshot -> {
            for (String type : new String[] {ProductEvents.AGGREGATE_TYPE, CustomerEvents.AGGREGATE_TYPE,
                                             OrderEvents.AGGREGATE_TYPE}) {
                Map<UUID, Map<String, Object>> rows = byType.get(type);
                snapshot.ofTypeWithPositions(type, logged -> {
                    UUID id = logged.event().aggregateId();
                    inStore.put(id, Boolean.TRUE);
                    if (!rows.containsKey(id) && logged.position() <= position) {
                        missing.add(id);
                    }
                    fold.apply(logged.event());
                });
            }
            return null;
        });
        Map<UUID, Map<String, Object>> expected;
        Map<UUID, Map<String, Object>> shown;
        switch (name) {
            case "order_views" -> {
                expected = new HashMap<>();
                fold.orders().values().forEach(row -> expected.put(row.orderId, order(row)));
                shown = actual.orders;
            }
            case "product_views" -> {
                expected = new HashMap<>();
                fold.products().values().forEach(row -> expected.put(row.productId, product(row)));
                shown = actual.products;
            }
            case "user_views" -> {
                expected = new HashMap<>();
                fold.users().values().forEach(row -> expected.put(row.userId, user(row)));
                shown = actual.users;
            }
            case "user_summaries" -> {
                expected = userSummaries(fold);
                shown = actual.userSummaries;
            }
            default -> {
                expected = productSales(fold);
                shown = actual.productSales;
            }
        }
        return compare(name, position, shown, expected, name.endsWith("_views") ? missing : Set.of(), inStore);
    }

    private static JsonObject compare(String name, long position, Map<UUID, Map<String, Object>> shown,
                                      Map<UUID, Map<String, Object>> expected, Set<UUID> missing,
                                      Map<UUID, Boolean> inStore) {
        JsonArrayBuilder differences = JsonSupport.array();
        int count = 0;
        Map<UUID, String> kinds = new TreeMap<>();
        Map<UUID, JsonObjectBuilder> fields = new HashMap<>();
        for (Map.Entry<UUID, Map<String, Object>> row : shown.entrySet()) {
            Map<String, Object> want = expected.get(row.getKey());
            if (want == null) {
                boolean counter = !name.endsWith("_views");
                if (counter && isZero(row.getValue())) {
                    continue;
                }
                if (counter || !inStore.containsKey(row.getKey())) {
                    kinds.put(row.getKey(), "unexpected");
                }
                continue;
            }
            JsonObjectBuilder differing = JsonSupport.object();
            boolean differs = false;
            for (Map.Entry<String, Object> field : want.entrySet()) {
                Object have = row.getValue().get(field.getKey());
                if (!same(have, field.getValue())) {
                    differing.add(field.getKey(), JsonSupport.object()
                            .add("view", String.valueOf(have)).add("expected", String.valueOf(field.getValue())));
                    differs = true;
                }
            }
            if (differs) {
                kinds.put(row.getKey(), "different");
                fields.put(row.getKey(), differing);
            }
        }
        for (UUID id : missing) {
            kinds.putIfAbsent(id, "missing");
        }
        if (!name.endsWith("_views")) {
            for (Map.Entry<UUID, Map<String, Object>> row : expected.entrySet()) {
                if (!shown.containsKey(row.getKey()) && !isZero(row.getValue())) {
                    kinds.put(row.getKey(), "missing");
                }
            }
        }
        for (Map.Entry<UUID, String> difference : kinds.entrySet()) {
            if (count++ >= LISTED) {
                break;
            }
            JsonObjectBuilder item = JsonSupport.object().add("id", difference.getKey().toString())
                    .add("kind", difference.getValue());
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

    private static boolean same(Object have, Object want) {
        if (have instanceof BigDecimal a && want instanceof BigDecimal b) {
            return a.compareTo(b) == 0;
        }
        if (have instanceof Number a && want instanceof Number b) {
            return a.longValue() == b.longValue();
        }
        return Objects.equals(have, want);
    }

    private static boolean isZero(Map<String, Object> counters) {
        for (Object value : counters.values()) {
            if (value instanceof BigDecimal d ? d.signum() != 0 : ((Number) value).longValue() != 0) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> order(OrderRow row) {
        return fields("user_id", row.userId, "product_id", row.productId, "quantity", row.quantity,
                "status", row.status, "created_at", row.createdAt, "product_name", row.productName,
                "user_email", row.userEmail, "unit_price", row.unitPrice, "total_price", row.totalPrice,
                "version", row.version, "updated_at", row.updatedAt);
    }

    private static Map<String, Object> product(ProductRow row) {
        return fields("name", row.name, "price", row.price, "version", row.version, "created_at", row.createdAt,
                "updated_at", row.updatedAt);
    }

    private static Map<String, Object> user(UserRow row) {
        return fields("email", row.email, "version", row.version, "created_at", row.createdAt,
                "updated_at", row.updatedAt);
    }

    private static Map<UUID, Map<String, Object>> userSummaries(ReadModelFold fold) {
        Map<UUID, Map<String, Object>> summaries = new HashMap<>();
        for (OrderRow row : fold.orders().values()) {
            Map<String, Object> summary = summaries.computeIfAbsent(row.userId, id -> fields(
                    "pending", 0L, "confirmed", 0L, "shipped", 0L, "cancelled", 0L, "total_spent", BigDecimal.ZERO));
            String status = row.status.toLowerCase(java.util.Locale.ROOT);
            summary.put(status, (Long) summary.get(status) + 1);
            if (!row.status.equals("CANCELLED")) {
                summary.put("total_spent", ((BigDecimal) summary.get("total_spent")).add(row.totalPrice));
            }
        }
        return summaries;
    }

    private static Map<UUID, Map<String, Object>> productSales(ReadModelFold fold) {
        Map<UUID, Map<String, Object>> sales = new HashMap<>();
        for (OrderRow row : fold.orders().values()) {
            Map<String, Object> sale = sales.computeIfAbsent(row.productId, id -> fields(
                    "units_sold", 0L, "revenue", BigDecimal.ZERO));
            if (!row.status.equals("CANCELLED")) {
                sale.put("units_sold", (Long) sale.get("units_sold") + row.quantity);
                sale.put("revenue", ((BigDecimal) sale.get("revenue")).add(row.totalPrice));
            }
        }
        return sales;
    }

    /** Column names and values, in order: {@code fields("name", value, "price", value, ...)}. */
    private static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    private Actual read() throws SQLException {
        Actual actual = new Actual();
        Jdbc.inTransaction(readDb, connection -> {
            Jdbc.update(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            rows(connection, """
                    SELECT order_id, user_id, product_id, quantity, status, created_at, product_name, user_email,
                           unit_price, total_price, version, updated_at FROM order_views""", actual.orders);
            rows(connection, "SELECT product_id, name, price, version, created_at, updated_at FROM product_views",
                    actual.products);
            rows(connection, "SELECT user_id, email, version, created_at, updated_at FROM user_views", actual.users);
            rows(connection, """
                    SELECT user_id, sum(pending) AS pending, sum(confirmed) AS confirmed, sum(shipped) AS shipped,
                           sum(cancelled) AS cancelled, sum(total_spent) AS total_spent
                    FROM (SELECT user_id, pending, confirmed, shipped, cancelled, total_spent FROM user_summaries
                          UNION ALL
                          SELECT user_id, pending, confirmed, shipped, cancelled, spent FROM counter_deltas) c
                    GROUP BY user_id""", actual.userSummaries);
            rows(connection, """
                    SELECT product_id, sum(units_sold) AS units_sold, sum(revenue) AS revenue
                    FROM (SELECT product_id, units_sold, revenue FROM product_sales
                          UNION ALL
                          SELECT product_id, units, spent FROM counter_deltas) s
                    GROUP BY product_id""", actual.productSales);
            return null;
        });
        return actual;
    }

    private static void rows(Connection connection, String sql, Map<UUID, Map<String, Object>> into) throws SQLException {
        try (var statement = connection.prepareStatement(sql); var rs = statement.executeQuery()) {
            var meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int c = 2; c <= meta.getColumnCount(); c++) {
                    Object value = rs.getObject(c);
                    row.put(meta.getColumnLabel(c), value instanceof java.sql.Timestamp timestamp
                            ? timestamp.toInstant() : value);
                }
                into.put(Jdbc.uuid(rs, 1), row);
            }
        }
    }
}
