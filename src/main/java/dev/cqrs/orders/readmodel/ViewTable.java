package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import jakarta.json.JsonObjectBuilder;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A read_db table of a projection, described once, by the record of its rows: each component is
 * a column of the same name in snake_case ({@code productName} is {@code product_name}), the first
 * one the primary key. Everything that reads or writes the table (the live projection, a rebuild's
 * shadow table, the verifier, the queries) takes its column list and its row mapping from here.
 * The DDL lives in the read database's migrations; {@code ViewTablesIT} checks that both agree.
 *
 * <p>Two kinds of table:
 * <ul>
 *   <li>rows ({@link #rows}): a row per key, read and written whole;</li>
 *   <li>counters ({@link #counters}): every column but the key is a number that events only add to.
 *       Live, an addition is a row of {@code <table>_deltas} (insert only: no row shared by two
 *       projections' transactions), which {@link CounterFold} moves into the table; reads add the
 *       deltas not folded yet ({@link #select}).</li>
 * </ul>
 */
public final class ViewTable<R extends Record> {

    /** The SQL types a column can have, as the record's component types say. */
    enum Kind {
        UUID("uuid"), TEXT("text"), INT("int4"), LONG("int8"), NUMERIC("numeric"), TIMESTAMP("int8");

        /** The element type of the array a batch of this column is sent as. */
        final String arrayType;

        Kind(String arrayType) {
            this.arrayType = arrayType;
        }

        static Kind of(Class<?> type) {
            if (type == java.util.UUID.class) {
                return UUID;
            } else if (type == String.class || type.isEnum()) {
                return TEXT;
            } else if (type == int.class) {
                return INT;
            } else if (type == long.class) {
                return LONG;
            } else if (type == BigDecimal.class) {
                return NUMERIC;
            } else if (type == Instant.class) {
                return TIMESTAMP;
            }
            throw new IllegalArgumentException("no column type for " + type);
        }

        boolean numeric() {
            return this == INT || this == LONG || this == NUMERIC;
        }
    }

    /** A column: its name, its kind, and the record's accessor. */
    record Column(String name, Kind kind, Method accessor) {
    }

    private final String name;
    private final Class<R> type;
    private final List<Column> columns;
    private final Constructor<R> constructor;
    private final boolean counters;
    private final Set<String> lookups;
    private final String stamp;
    private final Set<String> bookkeeping;
    private final Changes logged;
    private final int versionColumn;
    private final String columnList;
    // The live projection's statements, made once (JdbcViews).
    final String findShared;
    final String findForUpdate;
    final String insertIfAbsent;
    final String updateByKey;
    final String addDelta;
    private final String findByKey;

    private ViewTable(String name, Class<R> type, boolean counters, Set<String> lookups, String stamp,
                      Set<String> bookkeeping, Changes logged) {
        this.name = name;
        this.logged = logged;
        this.type = type;
        this.counters = counters;
        this.lookups = lookups;
        this.stamp = stamp;
        this.bookkeeping = bookkeeping;
        List<Column> list = new ArrayList<>();
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            Method accessor = components[i].getAccessor();
            accessor.setAccessible(true); // rows may be records private to their feature
            list.add(new Column(snakeCase(components[i].getName()), Kind.of(types[i]), accessor));
        }
        this.columns = List.copyOf(list);
        this.columnList = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        this.versionColumn = columns.stream().map(Column::name).toList().indexOf("version");
        String key = columns.get(0).name();
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        this.findShared = "SELECT " + columnList + " FROM " + name + " WHERE " + key + " = ? FOR SHARE";
        this.findForUpdate = "SELECT " + columnList + " FROM " + name + " WHERE " + key + " = ? FOR UPDATE";
        this.insertIfAbsent = "INSERT INTO " + name + " (" + columnList + (stamp == null ? "" : ", " + stamp)
                + ") VALUES (" + marks + (stamp == null ? "" : ", clock_timestamp()") + ") ON CONFLICT (" + key
                + ") DO NOTHING";
        this.updateByKey = "UPDATE " + name + " SET " + columns.stream().skip(1).map(c -> c.name() + " = ?")
                .collect(Collectors.joining(", ")) + (stamp == null ? "" : ", " + stamp + " = clock_timestamp()")
                + " WHERE " + key + " = ?";
        this.addDelta = "INSERT INTO " + name + "_deltas (" + columnList + ") VALUES (" + marks + ")";
        this.findByKey = selectSql(name, "WHERE " + key + " = ?");
        try {
            this.constructor = type.getDeclaredConstructor(types);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type + " has no canonical constructor", e);
        }
        for (String lookup : lookups) {
            column(lookup);
        }
        for (String column : bookkeeping) {
            column(column);
        }
        if (counters) {
            for (Column column : columns.subList(1, columns.size())) {
                if (!column.kind().numeric()) {
                    throw new IllegalArgumentException(name + "." + column.name() + ": counters are numbers");
                }
            }
        }
    }

    /** A table of rows. */
    public static <R extends Record> ViewTable<R> rows(String name, Class<R> type) {
        return new ViewTable<>(name, type, false, Set.of(), null, Set.of(), Changes.UNLOGGED);
    }

    /** A table of counters: see the class comment. */
    public static <R extends Record> ViewTable<R> counters(String name, Class<R> type) {
        return new ViewTable<>(name, type, true, Set.of(), null, Set.of(), Changes.UNLOGGED);
    }

    /** The same table, whose rows can be found by {@code column} too ({@link Rows#findForUpdate(String, Object)}). */
    public ViewTable<R> lookup(String column) {
        Set<String> more = new LinkedHashSet<>(lookups);
        more.add(column);
        return new ViewTable<>(name, type, counters, Set.copyOf(more), stamp, bookkeeping, logged);
    }

    /**
     * The same table, whose {@code column} (not a component) is set to the database's clock at every
     * write: when the projection wrote the row, which the benchmarks read back as lag.
     */
    public ViewTable<R> stampedAt(String column) {
        return new ViewTable<>(name, type, counters, lookups, column, bookkeeping, logged);
    }

    /**
     * The same table, whose {@code columns} are the projection's bookkeeping rather than content:
     * values that depend on the order events of different aggregates arrived in (the product
     * version a view's name was taken at: the name is the same whether a price change came before
     * or after the order). The verifier does not compare them; everything else it does.
     */
    public ViewTable<R> bookkeeping(String... columns) {
        return new ViewTable<>(name, type, counters, lookups, stamp, Set.of(columns), logged);
    }

    /**
     * The same table, whose rows clients read by key ({@code GET /orders/{id}}): the live projection
     * writes each change of a row to {@code view_changes} in its transaction, and a rebuild's swap
     * one row for the whole table, so that every instance's {@link ViewCache} drops what it holds
     * of them. Rows only: counters are not read by key.
     */
    public ViewTable<R> readByKey() {
        if (counters) {
            throw new IllegalArgumentException(name + ": counters are not cached by key");
        }
        return new ViewTable<>(name, type, counters, lookups, stamp, bookkeeping, Changes.KEYS);
    }

    /**
     * The same table read by key, whose changes also carry the row as the projection wrote it
     * ({@code view_changes.row_data}): server-sent events send each change of a row as it was then,
     * not only as it is when the stream gets there.
     */
    public ViewTable<R> pushed() {
        return readByKey().with(Changes.ROWS);
    }

    private ViewTable<R> with(Changes changes) {
        return new ViewTable<>(name, type, counters, lookups, stamp, bookkeeping, changes);
    }

    /** Whether changes of its rows are written to {@code view_changes} ({@link #readByKey}). */
    boolean isReadByKey() {
        return logged != Changes.UNLOGGED;
    }

    /** Whether its changes carry the row as written ({@link #pushed}). */
    boolean isPushed() {
        return logged == Changes.ROWS;
    }

    /**
     * A row as {@code view_changes.row_data} keeps it: a JSON object of its columns. The feed reads
     * it back through the table's own column types ({@code jsonb_populate_record}), so that it is
     * the row a read of the table would have answered (numeric scale, timestamps to microseconds).
     */
    String rowData(R row) {
        JsonObjectBuilder object = JsonSupport.object(); // Json.createObjectBuilder() would look the provider up each time
        Object[] values = parameters(row);
        for (int i = 0; i < values.length; i++) {
            String column = columns.get(i).name();
            Object value = values[i];
            if (value == null) {
                object.addNull(column);
            } else if (value instanceof Integer number) {
                object.add(column, number);
            } else if (value instanceof Long number) {
                object.add(column, number);
            } else if (value instanceof BigDecimal number) {
                object.add(column, number);
            } else {
                object.add(column, value.toString()); // uuid, text, an Instant in ISO 8601 (timestamptz reads it)
            }
        }
        return object.build().toString();
    }

    /** The row's {@code version} column, or 0 when the table has none. */
    int versionOf(R row) {
        return versionColumn < 0 ? 0 : ((Number) value(row, versionColumn)).intValue();
    }

    boolean isBookkeeping(String column) {
        return bookkeeping.contains(column);
    }

    public String name() {
        return name;
    }

    public Class<R> type() {
        return type;
    }

    public boolean isCounters() {
        return counters;
    }

    /** Where additions wait for {@link CounterFold} (counters only). */
    public String deltas() {
        return name + "_deltas";
    }

    public String shadow() {
        return name + "_rebuild";
    }

    String key() {
        return columns.get(0).name();
    }

    List<Column> columns() {
        return columns;
    }

    Set<String> lookups() {
        return lookups;
    }

    String stamp() {
        return stamp;
    }

    /** The column names, comma-separated, in record order. */
    public String columnList() {
        return columnList;
    }

    Column column(String columnName) {
        for (Column column : columns) {
            if (column.name().equals(columnName)) {
                return column;
            }
        }
        throw new IllegalArgumentException(name + " has no column " + columnName);
    }

    int index(String columnName) {
        return columns.indexOf(column(columnName));
    }

    public Object keyOf(R row) {
        return value(row, 0);
    }

    Object value(R row, int column) {
        try {
            return columns.get(column).accessor().invoke(row);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("reading " + name + "." + columns.get(column).name(), e);
        }
    }

    Object[] values(R row) {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(row, i);
        }
        return values;
    }

    R create(Object[] values) {
        try {
            return constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("making a " + type.getSimpleName() + " row", e);
        }
    }

    /** The sum of two counter rows of the same key. */
    R add(R a, R b) {
        Object[] sum = values(a);
        for (int i = 1; i < sum.length; i++) {
            Object other = value(b, i);
            sum[i] = switch (columns.get(i).kind()) {
                case INT -> (Integer) sum[i] + (Integer) other;
                case LONG -> (Long) sum[i] + (Long) other;
                default -> ((BigDecimal) sum[i]).add((BigDecimal) other);
            };
        }
        return create(sum);
    }

    /** A counter row of {@code key} that counts nothing: what a missing row means. */
    boolean isZero(R row) {
        for (int i = 1; i < columns.size(); i++) {
            Object value = value(row, i);
            if (value instanceof BigDecimal decimal ? decimal.signum() != 0 : ((Number) value).longValue() != 0) {
                return false;
            }
        }
        return true;
    }

    /** The row the current result set row holds, its columns in record order from {@code first}. */
    R read(ResultSet rs, int first) throws SQLException {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            int at = first + i;
            values[i] = switch (columns.get(i).kind()) {
                case UUID -> Jdbc.uuid(rs, at);
                case TEXT -> text(rs.getString(at), columns.get(i));
                case INT -> rs.getInt(at);
                case LONG -> rs.getLong(at);
                case NUMERIC -> rs.getBigDecimal(at);
                case TIMESTAMP -> Jdbc.instant(rs, at);
            };
        }
        return create(values);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object text(String text, Column column) {
        Class<?> type = column.accessor().getReturnType();
        return text == null || !type.isEnum() ? text : Enum.valueOf((Class<? extends Enum>) type, text);
    }

    /**
     * The columns of the row a change carries, for a query of {@code view_changes} aliased {@code
     * changes}: read from its first column on ({@link #read}), null when the change carries none.
     */
    String loggedRowColumns() {
        return columns.stream().map(c -> "logged." + c.name()).collect(Collectors.joining(", "))
                + " FROM view_changes changes LEFT JOIN LATERAL jsonb_populate_record(NULL::" + name
                + ", changes.row_data) AS logged ON true";
    }

    /** What {@code view_changes} keeps of a change of a row. */
    private enum Changes {
        UNLOGGED, KEYS, ROWS
    }

    /** A row's values as statement parameters: enums by their names. */
    Object[] parameters(R row) {
        Object[] values = values(row);
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Enum<?> constant) {
                values[i] = constant.name();
            }
        }
        return values;
    }

    /** The rows a query answers, each read from its first column on. */
    public List<R> query(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Jdbc.bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                List<R> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(read(rs, 1));
                }
                return rows;
            }
        }
    }

    /**
     * {@code SELECT <columns> FROM <table> <rest>}: the rows of a query on this table. For counters,
     * the table plus the deltas not folded yet, summed per key ({@code rest} then filters both).
     */
    public List<R> select(Connection connection, String rest, Object... parameters) throws SQLException {
        return query(connection, selectSql(name, rest), parameters);
    }

    String selectSql(String table, String rest) {
        if (!counters) {
            return "SELECT " + columnList() + " FROM " + table + " " + rest;
        }
        String sums = columns.subList(1, columns.size()).stream()
                .map(c -> "sum(" + c.name() + ")::" + sqlType(c.kind()))
                .collect(Collectors.joining(", "));
        return "SELECT " + key() + ", " + sums + " FROM (SELECT " + columnList() + " FROM " + table + " " + rest
                + " UNION ALL SELECT " + columnList() + " FROM " + table + "_deltas " + rest + ") AS c GROUP BY " + key();
    }

    /** The row with {@code key}, if any (for counters: with the deltas not folded yet). */
    public Optional<R> find(Connection connection, Object key) throws SQLException {
        List<R> rows = query(connection, findByKey, counters ? new Object[] {key, key} : new Object[] {key});
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static String sqlType(Kind kind) {
        return switch (kind) {
            case INT -> "int4";
            case LONG -> "int8";
            default -> "numeric";
        };
    }

    static String snakeCase(String camel) {
        StringBuilder snake = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                snake.append('_').append(Character.toLowerCase(ch));
            } else {
                snake.append(ch);
            }
        }
        return snake.toString().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name;
    }

    static boolean sameValue(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        return java.util.Objects.equals(a, b);
    }
}
