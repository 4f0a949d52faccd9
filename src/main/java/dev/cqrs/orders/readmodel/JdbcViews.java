package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.persistence.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The live tables, on the connection of the event's read_db transaction. Reads lock what they
 * return until the commit. Writes whose outcome the projection does not need (an insert that
 * ignores a row already there, the update of one row, counter additions) are kept and written
 * together, in one statement, when the unit ends ({@link #flush}) or before anything reads a
 * table they touch: one round trip instead of one per write, and every read still sees the
 * unit's own writes.
 */
final class JdbcViews implements Views {

    /** A kept write: one part of the flush's statement, its parameters, and whether it updates one row. */
    private record Write(ViewTable<?> table, String sql, Object[] parameters, boolean updatesOne) {
    }

    private static final String PROJECTED = "projected AS (INSERT INTO event_projections (event_id, projected_at)"
            + " SELECT unnest(?::uuid[]), clock_timestamp() ON CONFLICT (event_id) DO NOTHING)";
    private static final String LOGGED = "logged AS (INSERT INTO view_changes (view_table, row_id, version, row_data)"
            + " SELECT unnest(?::text[]), unnest(?::uuid[]), unnest(?::int4[]), unnest(?::text[])::jsonb)";

    private final Connection connection;
    private final List<Write> kept = new ArrayList<>();
    private final Set<ViewTable<?>> touched = new HashSet<>();
    // Events applied in this unit, for read V8's event_projections (GET /commands/{id}).
    private final List<UUID> projected = new ArrayList<>();
    // Rows of tables read by key written in this unit and not logged yet, then all of the unit's (after the commit).
    private final List<ViewCache.Change> unlogged = new ArrayList<>();
    private final List<Integer> unloggedVersions = new ArrayList<>();
    private final List<String> unloggedRows = new ArrayList<>();
    private final List<ViewCache.Change> changes = new ArrayList<>();

    JdbcViews(Connection connection) {
        this.connection = connection;
    }

    @Override
    public <R extends Record> Rows<R> of(ViewTable<R> table) {
        return new Live<>(table);
    }

    /**
     * Notes that the unit applied this event, to every projection that reads it: its row of {@code
     * event_projections} (when, for {@code GET /commands/{id}}) is written with the kept writes.
     */
    void projected(UUID eventId) {
        projected.add(eventId);
    }

    /** The rows of tables read by key that this unit wrote, for the caches to drop once it committed. */
    List<ViewCache.Change> changes() {
        return changes;
    }

    /**
     * Writes the kept writes, all in one statement, with the unit's changes of rows read by key
     * ({@code view_changes}); an update that found no row fails the unit.
     */
    void flush() throws SQLException {
        if (kept.isEmpty() && projected.isEmpty() && unlogged.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("WITH ");
        List<Object> parameters = new ArrayList<>();
        List<String> updates = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            Write write = kept.get(i);
            sql.append(i == 0 ? "" : ", ").append('w').append(i).append(" AS (").append(write.sql())
                    .append(write.updatesOne() ? " RETURNING 1" : "").append(')');
            parameters.addAll(List.of(write.parameters()));
            if (write.updatesOne()) {
                updates.add("(SELECT count(*) FROM w" + i + ")");
            }
        }
        if (!projected.isEmpty()) {
            // The first application counts: a duplicate delivery or a replay of a parked event does not move it.
            sql.append(kept.isEmpty() ? "" : ", ").append(PROJECTED);
            parameters.add(connection.createArrayOf("uuid", projected.toArray()));
        }
        if (!unlogged.isEmpty()) {
            sql.append(kept.isEmpty() && projected.isEmpty() ? "" : ", ").append(LOGGED);
            parameters.add(connection.createArrayOf("text", unlogged.stream().map(ViewCache.Change::table).toArray()));
            parameters.add(connection.createArrayOf("uuid", unlogged.stream().map(ViewCache.Change::rowId).toArray()));
            parameters.add(connection.createArrayOf("int4", unloggedVersions.toArray()));
            parameters.add(connection.createArrayOf("text", unloggedRows.toArray()));
        }
        sql.append(" SELECT ").append(updates.isEmpty() ? "0" : String.join(" + ", updates));
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            Jdbc.bind(statement, parameters.toArray());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != updates.size()) {
                    throw new IllegalStateException("a kept update found no row to update (" + rs.getLong(1) + " of "
                            + updates.size() + "): " + kept.stream().filter(Write::updatesOne)
                            .map(w -> w.table().name()).collect(Collectors.joining(", ")));
                }
            }
        }
        kept.clear();
        touched.clear();
        projected.clear();
        unlogged.clear();
        unloggedVersions.clear();
        unloggedRows.clear();
    }

    private void keep(Write write) {
        kept.add(write);
        touched.add(write.table());
    }

    /**
     * A row of a table read by key is written (or may be: an insert that finds it there changes
     * nothing, which the gate's version check keeps from happening to a view's first event). A
     * pushed table's change carries the row as written.
     */
    private <R extends Record> void changing(ViewTable<R> table, R row) {
        if (table.isReadByKey()) {
            ViewCache.Change change = new ViewCache.Change(table.name(), (UUID) table.keyOf(row));
            unlogged.add(change);
            unloggedVersions.add(table.versionOf(row));
            unloggedRows.add(table.isPushed() ? table.rowData(row) : null);
            changes.add(change);
        }
    }

    private final class Live<R extends Record> implements Rows<R> {
        private final ViewTable<R> table;

        Live(ViewTable<R> table) {
            this.table = table;
        }

        /** Before a read of this table: the kept writes that touch it are written first. */
        private void beforeReading() throws SQLException {
            if (touched.contains(table)) {
                flush();
            }
        }

        @Override
        public Optional<R> find(Object key) throws SQLException {
            beforeReading();
            return one(table.query(connection, table.findShared, key));
        }

        @Override
        public Optional<R> findForUpdate(Object key) throws SQLException {
            beforeReading();
            return one(table.query(connection, table.findForUpdate, key));
        }

        @Override
        public List<R> findForUpdate(String column, Object value) throws SQLException {
            if (!table.lookups().contains(column)) {
                throw new IllegalArgumentException(table + " declares no lookup by " + column);
            }
            beforeReading();
            return table.query(connection, "SELECT " + table.columnList() + " FROM " + table.name() + " WHERE "
                    + column + " = ? ORDER BY " + table.key() + " FOR UPDATE", value);
        }

        private String insertSql() {
            return table.insertIfAbsent;
        }

        @Override
        public boolean insert(R row) throws SQLException {
            beforeReading();
            boolean inserted = Jdbc.update(connection, insertSql(), table.parameters(row)) == 1;
            if (inserted) {
                changing(table, row);
            }
            return inserted;
        }

        @Override
        public void insertIfAbsent(R row) {
            keep(new Write(table, insertSql(), table.parameters(row), false));
            changing(table, row);
        }

        private String updateSql() {
            return table.updateByKey;
        }

        /** The key last: the parameters of {@link #updateSql}. */
        private Object[] updateParameters(R row) {
            Object[] values = table.parameters(row);
            Object[] parameters = new Object[values.length];
            System.arraycopy(values, 1, parameters, 0, values.length - 1);
            parameters[values.length - 1] = values[0];
            return parameters;
        }

        @Override
        public void update(List<R> rows) throws SQLException {
            rows.forEach(row -> changing(table, row));
            if (rows.size() == 1) {
                keep(new Write(table, updateSql(), updateParameters(rows.get(0)), true));
                return;
            }
            if (rows.isEmpty()) {
                return;
            }
            // Many rows (a rename): one batch now, not thousands of parts in one statement.
            flush();
            try (PreparedStatement statement = connection.prepareStatement(updateSql())) {
                for (R row : rows) {
                    Jdbc.bind(statement, updateParameters(row));
                    statement.addBatch();
                }
                for (int updated : statement.executeBatch()) {
                    if (updated == 0) {
                        throw new IllegalStateException(table + ": a row to update is missing");
                    }
                }
            }
        }

        @Override
        public void add(R delta) {
            if (!table.isCounters()) {
                throw new IllegalArgumentException(table + " is not a table of counters");
            }
            keep(new Write(table, table.addDelta, table.parameters(delta), false));
        }

        private Optional<R> one(List<R> rows) {
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }
}
