package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.persistence.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a rebuild replaces a table: a shadow table shaped like it, filled by batched
 * {@code INSERT ... SELECT FROM unnest(arrays)} statements (one round trip per few thousand rows,
 * plain JDBC), given the table's indexes once full, and swapped in by renames. The statements
 * come from the table's {@link ViewTable} description, so they hold for every projection.
 */
final class ShadowTables {

    /** Rows per statement. */
    static final int BATCH = 4_000;

    private ShadowTables() {
    }

    /** An empty shadow table with the table's columns, defaults and checks, no indexes yet. */
    static void create(Connection connection, ViewTable<?> table) throws SQLException {
        Jdbc.update(connection, "DROP TABLE IF EXISTS " + table.shadow());
        Jdbc.update(connection, "CREATE TABLE " + table.shadow() + " (LIKE " + table.name()
                + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)");
    }

    /** The table's indexes (its primary key among them) on the shadow, named {@code <index>_rebuild}. */
    static void index(Connection connection, ViewTable<?> table) throws SQLException {
        List<Object[]> indexes = Jdbc.query(connection, """
                SELECT i.relname, pg_get_indexdef(i.oid), x.indisprimary
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = CAST(? AS regclass)""", table.name());
        for (Object[] index : indexes) {
            String name = (String) index[0];
            String definition = ((String) index[1]).replaceFirst(
                    "INDEX " + name + " ON (\\S+\\.)?" + table.name() + " ",
                    "INDEX " + name + "_rebuild ON " + table.shadow() + " ");
            if (!definition.contains(table.shadow())) {
                throw new IllegalStateException("cannot copy index " + name + " of " + table + ": " + index[1]);
            }
            Jdbc.update(connection, definition);
            if ((Boolean) index[2]) {
                Jdbc.update(connection, "ALTER TABLE " + table.shadow() + " ADD CONSTRAINT " + name
                        + "_rebuild PRIMARY KEY USING INDEX " + name + "_rebuild");
            }
        }
        Jdbc.update(connection, "ANALYZE " + table.shadow());
    }

    /**
     * Replaces the table by its shadow, in the caller's transaction: waits for the queries reading
     * it (they see the old one up to their end, the next ones the new one) and gives the shadow's
     * indexes the table's names. A table of counters loses its deltas: they were added to the old
     * counters, and the shadow holds every event they came from.
     */
    static void swap(Connection connection, ViewTable<?> table) throws SQLException {
        List<Object[]> indexes = Jdbc.query(connection, """
                SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = CAST(? AS regclass)""", table.shadow());
        if (table.isCounters()) {
            // First: CounterFold takes the deltas before the counters, so it waits here, not on a dropped table.
            Jdbc.update(connection, "LOCK TABLE " + table.deltas() + " IN SHARE ROW EXCLUSIVE MODE");
        }
        Jdbc.update(connection, "LOCK TABLE " + table.name() + " IN ACCESS EXCLUSIVE MODE");
        Jdbc.update(connection, "DROP TABLE " + table.name());
        Jdbc.update(connection, "ALTER TABLE " + table.shadow() + " RENAME TO " + table.name());
        for (Object[] index : indexes) {
            String name = (String) index[0];
            Jdbc.update(connection, "ALTER INDEX " + name + " RENAME TO "
                    + name.substring(0, name.length() - "_rebuild".length()));
        }
        if (table.isCounters()) {
            Jdbc.update(connection, "DELETE FROM " + table.deltas());
        }
        if (table.isReadByKey()) {
            // Every row changed: each instance's read cache drops the table (ViewCache).
            Jdbc.update(connection, "INSERT INTO view_changes (view_table, row_id) VALUES (?, NULL)", table.name());
        }
    }

    /** Writes rows into the shadow: inserts, or (when {@code upsert}) replaces rows with the same key. */
    static <R extends Record> void write(Connection connection, ViewTable<R> table, List<R> rows, boolean upsert)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<ViewTable.Column> columns = table.columns();
        StringBuilder select = new StringBuilder("SELECT ");
        StringBuilder arrays = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String a = "a" + (i + 1);
            select.append(i == 0 ? "" : ", ").append(columns.get(i).kind() == ViewTable.Kind.TIMESTAMP ? time(a) : a);
            arrays.append(i == 0 ? "" : ", ").append("?::").append(columns.get(i).kind().arrayType).append("[]");
            names.append(i == 0 ? "" : ", ").append(a);
        }
        String target = table.columnList();
        if (table.stamp() != null) {
            select.append(", clock_timestamp()");
            target += ", " + table.stamp();
        }
        String sql = "INSERT INTO " + table.shadow() + " (" + target + ") " + select + " FROM unnest(" + arrays
                + ") AS t(" + names + ")"
                + (upsert ? " ON CONFLICT (" + table.key() + ") DO UPDATE SET " + updateAll(table) : "");
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<R> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
                for (int c = 0; c < columns.size(); c++) {
                    List<Object> values = new ArrayList<>(batch.size());
                    for (R row : batch) {
                        Object value = table.value(row, c);
                        values.add(value instanceof Instant instant ? micros(instant) : value);
                    }
                    statement.setString(c + 1, Jdbc.arrayLiteral(values, columns.get(c).kind() == ViewTable.Kind.TEXT));
                }
                statement.executeUpdate();
            }
        }
    }

    private static String updateAll(ViewTable<?> table) {
        List<String> sets = table.columns().stream().skip(1).map(c -> c.name() + " = EXCLUDED." + c.name())
                .collect(Collectors.toCollection(ArrayList::new));
        if (table.stamp() != null) {
            sets.add(table.stamp() + " = EXCLUDED." + table.stamp());
        }
        return String.join(", ", sets);
    }

    /**
     * An instant as microseconds since 1970, as the statements send times: formatting and parsing
     * timestamps as text cost both sides more (JFR: {@code Instant.toString} was 7 % of a rebuild).
     */
    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    /** The timestamptz of a column of {@link #micros}: whole seconds and the rest, each exact. */
    private static String time(String column) {
        return ("timestamptz 'epoch' + (%1$s / 1000000) * interval '1 second'"
                + " + (%1$s %% 1000000) * interval '1 microsecond'").formatted(column);
    }
}
