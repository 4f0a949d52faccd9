package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.persistence.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The live tables, on the connection of the event's read_db transaction. Reads lock what they
 * return until the commit; counter additions are kept until {@link #flush}, which writes them all
 * in one statement.
 */
final class JdbcViews implements Views {

    private final Connection connection;
    private final Map<ViewTable<?>, List<Object[]>> additions = new LinkedHashMap<>();

    JdbcViews(Connection connection) {
        this.connection = connection;
    }

    @Override
    public <R extends Record> Rows<R> of(ViewTable<R> table) {
        return new Live<>(table);
    }

    /** Writes the counter additions kept so far, one delta row each, in one statement. */
    void flush() throws SQLException {
        if (additions.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        int n = 0;
        for (Map.Entry<ViewTable<?>, List<Object[]>> entry : additions.entrySet()) {
            ViewTable<?> table = entry.getKey();
            String placeholders = "(" + table.columns().stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
            String insert = "INSERT INTO " + table.deltas() + " (" + table.columnList() + ") VALUES "
                    + entry.getValue().stream().map(v -> placeholders).collect(Collectors.joining(", "));
            sql.append(n == 0 ? "WITH " : ", ").append("d").append(n++).append(" AS (").append(insert).append(')');
            entry.getValue().forEach(values -> parameters.addAll(List.of(values)));
        }
        sql.append(" SELECT 1");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            Jdbc.bind(statement, parameters.toArray());
            statement.execute();
        }
        additions.clear();
    }

    private final class Live<R extends Record> implements Rows<R> {
        private final ViewTable<R> table;

        Live(ViewTable<R> table) {
            this.table = table;
        }

        @Override
        public Optional<R> find(Object key) throws SQLException {
            return one(table.query(connection, "SELECT " + table.columnList() + " FROM " + table.name() + " WHERE "
                    + table.key() + " = ? FOR SHARE", key));
        }

        @Override
        public Optional<R> findForUpdate(Object key) throws SQLException {
            return one(table.query(connection, "SELECT " + table.columnList() + " FROM " + table.name() + " WHERE "
                    + table.key() + " = ? FOR UPDATE", key));
        }

        @Override
        public List<R> findForUpdate(String column, Object value) throws SQLException {
            if (!table.lookups().contains(column)) {
                throw new IllegalArgumentException(table + " declares no lookup by " + column);
            }
            return table.query(connection, "SELECT " + table.columnList() + " FROM " + table.name() + " WHERE "
                    + column + " = ? ORDER BY " + table.key() + " FOR UPDATE", value);
        }

        @Override
        public boolean insert(R row) throws SQLException {
            String columns = table.columnList() + (table.stamp() == null ? "" : ", " + table.stamp());
            String values = table.columns().stream().map(c -> "?").collect(Collectors.joining(", "))
                    + (table.stamp() == null ? "" : ", clock_timestamp()");
            return Jdbc.update(connection, "INSERT INTO " + table.name() + " (" + columns + ") VALUES (" + values
                    + ") ON CONFLICT (" + table.key() + ") DO NOTHING", table.parameters(row)) == 1;
        }

        @Override
        public void update(List<R> rows) throws SQLException {
            if (rows.isEmpty()) {
                return;
            }
            List<ViewTable.Column> rest = table.columns().subList(1, table.columns().size());
            String sql = "UPDATE " + table.name() + " SET "
                    + rest.stream().map(c -> c.name() + " = ?").collect(Collectors.joining(", "))
                    + (table.stamp() == null ? "" : ", " + table.stamp() + " = clock_timestamp()")
                    + " WHERE " + table.key() + " = ?";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (R row : rows) {
                    Object[] values = table.parameters(row);
                    Object[] parameters = new Object[values.length];
                    System.arraycopy(values, 1, parameters, 0, values.length - 1);
                    parameters[values.length - 1] = values[0];
                    Jdbc.bind(statement, parameters);
                    if (rows.size() == 1) {
                        require(statement.executeUpdate(), row);
                    } else {
                        statement.addBatch();
                    }
                }
                if (rows.size() > 1) {
                    for (int updated : statement.executeBatch()) {
                        require(updated, rows.get(0));
                    }
                }
            }
        }

        private void require(int updated, R row) {
            if (updated == 0) {
                throw new IllegalStateException(table + ": no row " + table.keyOf(row) + " to update");
            }
        }

        @Override
        public void add(R delta) {
            if (!table.isCounters()) {
                throw new IllegalArgumentException(table + " is not a table of counters");
            }
            additions.computeIfAbsent(table, t -> new ArrayList<>()).add(table.parameters(delta));
        }

        private Optional<R> one(List<R> rows) {
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }
}
