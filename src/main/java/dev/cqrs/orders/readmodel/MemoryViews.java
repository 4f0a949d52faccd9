package dev.cqrs.orders.readmodel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tables in memory, for a rebuild and the verifier: the same {@link Projection#apply} as live, no
 * database. Remembers which rows changed since they were last taken ({@link Table#takeChanged}), so
 * a rebuild writes each batch of finished rows once and, while it catches up, only what changed.
 */
final class MemoryViews implements Views {

    private final Map<ViewTable<?>, Table<?>> tables = new LinkedHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public <R extends Record> Table<R> of(ViewTable<R> table) {
        return (Table<R>) tables.computeIfAbsent(table, Table::new);
    }

    static final class Table<R extends Record> implements Rows<R> {
        private final ViewTable<R> table;
        private final Map<Object, R> rows = new HashMap<>();
        private final Map<String, Map<Object, Set<Object>>> byLookup = new HashMap<>();
        private final Set<Object> changed = new LinkedHashSet<>();

        Table(ViewTable<R> table) {
            this.table = table;
            for (String lookup : table.lookups()) {
                byLookup.put(lookup, new HashMap<>());
            }
        }

        ViewTable<R> table() {
            return table;
        }

        Collection<R> all() {
            return rows.values();
        }

        Optional<R> get(Object key) {
            return Optional.ofNullable(rows.get(key));
        }

        /** The rows changed since the last call, and forgets that they were. */
        List<R> takeChanged() {
            List<R> taken = new ArrayList<>(changed.size());
            for (Object key : changed) {
                taken.add(rows.get(key));
            }
            changed.clear();
            return taken;
        }

        @Override
        public Optional<R> find(Object key) {
            return get(key);
        }

        @Override
        public Optional<R> findForUpdate(Object key) {
            return get(key);
        }

        @Override
        public List<R> findForUpdate(String column, Object value) {
            Map<Object, Set<Object>> index = byLookup.get(column);
            if (index == null) {
                throw new IllegalArgumentException(table + " declares no lookup by " + column);
            }
            List<R> found = new ArrayList<>();
            for (Object key : index.getOrDefault(value, Set.of())) {
                found.add(rows.get(key));
            }
            return found;
        }

        @Override
        public boolean insert(R row) {
            Object key = table.keyOf(row);
            if (rows.containsKey(key)) {
                return false;
            }
            put(key, null, row);
            return true;
        }

        @Override
        public void insertIfAbsent(R row) {
            insert(row);
        }

        @Override
        public void update(List<R> updated) {
            for (R row : updated) {
                Object key = table.keyOf(row);
                R old = rows.get(key);
                if (old == null) {
                    throw new IllegalStateException(table + ": no row " + key + " to update");
                }
                put(key, old, row);
            }
        }

        @Override
        public void add(R delta) {
            Object key = table.keyOf(delta);
            R old = rows.get(key);
            put(key, old, old == null ? delta : table.add(old, delta));
        }

        private void put(Object key, R old, R row) {
            for (Map.Entry<String, Map<Object, Set<Object>>> index : byLookup.entrySet()) {
                int column = table.index(index.getKey());
                Object value = table.value(row, column);
                if (old != null) {
                    Object was = table.value(old, column);
                    if (was.equals(value)) {
                        continue;
                    }
                    index.getValue().get(was).remove(key);
                }
                index.getValue().computeIfAbsent(value, v -> new LinkedHashSet<>()).add(key);
            }
            rows.put(key, row);
            changed.add(key);
        }
    }
}
