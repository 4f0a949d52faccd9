package dev.cqrs.orders.projection.query;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.projection.query.ReadModelFold.OrderRow;
import dev.cqrs.orders.projection.query.ReadModelFold.ProductRow;
import dev.cqrs.orders.projection.query.ReadModelFold.UserRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The views a rebuild can replace, and how: a shadow table shaped like the view, filled by batched
 * {@code INSERT ... SELECT FROM unnest(arrays)} statements (one round trip per few thousand rows,
 * plain JDBC), given the view's indexes once full, and swapped in by renames.
 */
public enum ViewTables {

    ORDER_VIEWS("order_views", """
            order_id, user_id, product_id, quantity, status, created_at, product_name, user_email, unit_price,
            total_price, version, updated_at, projected_at, product_version, user_version""", """
            SELECT a1, a2, a3, a4, a5, %1$s, a7, a8, a9, a10, a11, %2$s, clock_timestamp(), a13, a14
            FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::int[], ?::text[], ?::int8[], ?::text[], ?::text[],
                        ?::numeric[], ?::numeric[], ?::int[], ?::int8[], ?::int[], ?::int[])
                 AS t(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14)""".formatted(time("a6"), time("a12")),
            "order_id"),

    PRODUCT_VIEWS("product_views", "product_id, name, price, version, created_at, updated_at", """
            SELECT a1, a2, a3, a4, %s, %s
            FROM unnest(?::uuid[], ?::text[], ?::numeric[], ?::int[], ?::int8[], ?::int8[]) AS t(a1, a2, a3, a4, a5, a6)"""
            .formatted(time("a5"), time("a6")),
            "product_id"),

    USER_VIEWS("user_views", "user_id, email, version, created_at, updated_at", """
            SELECT a1, a2, a3, %s, %s
            FROM unnest(?::uuid[], ?::text[], ?::int[], ?::int8[], ?::int8[]) AS t(a1, a2, a3, a4, a5)"""
            .formatted(time("a4"), time("a5")), "user_id");

    /** Rows per statement. */
    static final int BATCH = 4_000;

    private final String table;
    private final String columns;
    private final String rowsFromArrays;
    private final String key;

    ViewTables(String table, String columns, String rowsFromArrays, String key) {
        this.table = table;
        this.columns = columns;
        this.rowsFromArrays = rowsFromArrays;
        this.key = key;
    }

    public String table() {
        return table;
    }

    public String shadow() {
        return table + "_rebuild";
    }

    public static ViewTables named(String name) {
        for (ViewTables view : values()) {
            if (view.table.equals(name)) {
                return view;
            }
        }
        return null;
    }

    /** The fold's rows of this view, changed ones only when {@code changedOnly}. */
    List<?> rows(ReadModelFold fold, boolean changedOnly) {
        return switch (this) {
            case ORDER_VIEWS -> changedOnly ? fold.takeChangedOrders() : new ArrayList<>(fold.orders().values());
            case PRODUCT_VIEWS -> changedOnly ? fold.takeChangedProducts() : new ArrayList<>(fold.products().values());
            case USER_VIEWS -> changedOnly ? fold.takeChangedUsers() : new ArrayList<>(fold.users().values());
        };
    }

    /** An empty shadow table with the view's columns, defaults and checks, no indexes yet. */
    void createShadow(Connection connection) throws SQLException {
        Jdbc.update(connection, "DROP TABLE IF EXISTS " + shadow());
        Jdbc.update(connection, "CREATE TABLE " + shadow() + " (LIKE " + table
                + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)");
    }

    /** The view's indexes (its primary key among them) on the shadow, named {@code <index>_rebuild}. */
    void indexShadow(Connection connection) throws SQLException {
        List<Object[]> indexes = Jdbc.query(connection, """
                SELECT i.relname, pg_get_indexdef(i.oid), x.indisprimary
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = CAST(? AS regclass)""", table);
        for (Object[] index : indexes) {
            String name = (String) index[0];
            String definition = ((String) index[1]).replaceFirst(
                    "INDEX " + name + " ON (\\S+\\.)?" + table + " ",
                    "INDEX " + name + "_rebuild ON " + shadow() + " ");
            if (!definition.contains(shadow())) {
                throw new IllegalStateException("cannot copy index " + name + " of " + table + ": " + index[1]);
            }
            Jdbc.update(connection, definition);
            if ((Boolean) index[2]) {
                Jdbc.update(connection, "ALTER TABLE " + shadow() + " ADD CONSTRAINT " + name + "_rebuild PRIMARY KEY USING INDEX "
                        + name + "_rebuild");
            }
        }
        Jdbc.update(connection, "ANALYZE " + shadow());
    }

    /**
     * Replaces the view by its shadow, in the caller's transaction: waits for the queries reading
     * the view (they see the old one up to their end, the next ones the new one) and gives the
     * shadow's indexes the view's names.
     */
    void swap(Connection connection) throws SQLException {
        List<Object[]> indexes = Jdbc.query(connection, """
                SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = CAST(? AS regclass)""", shadow());
        Jdbc.update(connection, "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        Jdbc.update(connection, "DROP TABLE " + table);
        Jdbc.update(connection, "ALTER TABLE " + shadow() + " RENAME TO " + table);
        for (Object[] index : indexes) {
            String name = (String) index[0];
            Jdbc.update(connection, "ALTER INDEX " + name + " RENAME TO " + name.substring(0, name.length() - "_rebuild".length()));
        }
    }

    /** Writes rows into {@code target}: inserts, or (when {@code upsert}) replaces rows with the same key. */
    void write(Connection connection, String target, List<?> rows, boolean upsert) throws SQLException {
        String sql = "INSERT INTO " + target + " (" + columns + ") " + rowsFromArrays
                + (upsert ? " ON CONFLICT (" + key + ") DO UPDATE SET " + updateAll() : "");
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<?> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
                bindArrays(statement, batch);
                statement.executeUpdate();
            }
        }
    }

    private String updateAll() {
        List<String> sets = new ArrayList<>();
        for (String column : columns.split(",")) {
            String name = column.strip();
            if (!name.equals(key)) {
                sets.add(name + " = EXCLUDED." + name);
            }
        }
        return String.join(", ", sets);
    }

    @SuppressWarnings("unchecked")
    private void bindArrays(PreparedStatement statement, List<?> batch) throws SQLException {
        switch (this) {
            case ORDER_VIEWS -> {
                List<OrderRow> rows = (List<OrderRow>) batch;
                arrays(statement, rows,
                        plain(r -> r.orderId), plain(r -> r.userId), plain(r -> r.productId),
                        plain(r -> r.quantity), text(r -> r.status),
                        plain(r -> micros(r.createdAt)), text(r -> r.productName),
                        text(r -> r.userEmail), plain(r -> r.unitPrice),
                        plain(r -> r.totalPrice), plain(r -> r.version),
                        plain(r -> micros(r.updatedAt)), plain(r -> r.productVersion),
                        plain(r -> r.userVersion));
            }
            case PRODUCT_VIEWS -> {
                List<ProductRow> rows = (List<ProductRow>) batch;
                arrays(statement, rows,
                        plain(r -> r.productId), text(r -> r.name),
                        plain(r -> r.price), plain(r -> r.version),
                        plain(r -> micros(r.createdAt)), plain(r -> micros(r.updatedAt)));
            }
            case USER_VIEWS -> {
                List<UserRow> rows = (List<UserRow>) batch;
                arrays(statement, rows,
                        plain(r -> r.userId), text(r -> r.email), plain(r -> r.version),
                        plain(r -> micros(r.createdAt)), plain(r -> micros(r.updatedAt)));
            }
        }
    }

    /** A column of rows, as its values' text: quoted (as strings must be) or plain (uuids, numbers, times). */
    private record Column<R>(boolean quoted, Function<R, Object> value) { }

    /** A text column: each value in double quotes. */
    private static <R> Column<R> text(Function<R, Object> value) {
        return new Column<>(true, value);
    }

    /** A uuid, number or {@link #micros} column: values as they print, nothing to escape. */
    private static <R> Column<R> plain(Function<R, Object> value) {
        return new Column<>(false, value);
    }

    /**
     * Binds each column as one array literal ({@code {a,b,"c d"}}), cast by the statement: cheaper
     * than the driver's {@code createArrayOf}, which escapes every element of every type.
     */
    @SafeVarargs
    private static <R> void arrays(PreparedStatement statement, List<R> rows, Column<R>... columns)
            throws SQLException {
        List<Object> values = new ArrayList<>(rows.size());
        for (int c = 0; c < columns.length; c++) {
            values.clear();
            for (R row : rows) {
                values.add(columns[c].value().apply(row));
            }
            statement.setString(c + 1, arrayLiteral(values, columns[c].quoted()));
        }
    }

    /** PostgreSQL's text of an array of {@code values}: each in double quotes when {@code quoted}, nulls as NULL. */
    static String arrayLiteral(List<?> values, boolean quoted) {
        StringBuilder literal = new StringBuilder(2 + 40 * values.size()).append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                literal.append(',');
            }
            Object value = values.get(i);
            if (value == null) {
                literal.append("NULL");
            } else if (quoted) {
                quote(literal, value.toString());
            } else {
                literal.append(value);
            }
        }
        return literal.append('}').toString();
    }

    /** An array element in double quotes, its backslashes and double quotes escaped. */
    private static void quote(StringBuilder literal, String text) {
        literal.append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\') {
                literal.append('\\');
            }
            literal.append(ch);
        }
        literal.append('"');
    }

    /**
     * An instant as microseconds since 1970, as the statements send times: formatting and parsing
     * timestamps as text cost both sides more (JFR: {@code Instant.toString} was 7 % of a rebuild).
     */
    private static Long micros(Instant instant) {
        return instant == null ? null : instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    /** The timestamptz of a column of {@link #micros}: whole seconds and the rest, each exact. */
    private static String time(String column) {
        return "timestamptz 'epoch' + (%1$s / 1000000) * interval '1 second' + (%1$s %% 1000000) * interval '1 microsecond'"
                .formatted(column);
    }
}
