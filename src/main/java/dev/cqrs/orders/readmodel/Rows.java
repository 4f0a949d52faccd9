package dev.cqrs.orders.readmodel;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * One table as a projection's {@link Projection#apply} sees it, whatever stores it: read_db in the
 * live projection's transaction (reads lock the rows they return until the commit), or memory in a
 * rebuild and in the verifier's replay.
 */
public interface Rows<R extends Record> {

    /** The row with {@code key}; live, under a shared lock (others may read it, nobody change it). */
    Optional<R> find(Object key) throws SQLException;

    /** The row with {@code key}; live, under an exclusive lock, for changing it. */
    Optional<R> findForUpdate(Object key) throws SQLException;

    /**
     * The rows whose {@code column} (one the table declares as a lookup) equals {@code value}, under
     * an exclusive lock taken in key order (so that two such changes wait for each other instead of
     * deadlocking).
     */
    List<R> findForUpdate(String column, Object value) throws SQLException;

    /** Adds a row; false, with nothing written, when a row with its key exists. */
    boolean insert(R row) throws SQLException;

    /**
     * Adds a row, or nothing when a row with its key exists, without saying which (live: written
     * with the unit's other writes, in one statement, when the unit ends or before the table is
     * read). For a row the runtime's gate says is new: an order's first event.
     */
    void insertIfAbsent(R row) throws SQLException;

    /** Replaces the rows with the same keys, which exist (live: one row is written with the unit's other writes). */
    void update(List<R> rows) throws SQLException;

    default void update(R row) throws SQLException {
        update(List.of(row));
    }

    /**
     * Read-modify-write of one row: {@code change} applied to the row with {@code key} (locked), or
     * {@code absent} inserted when there is none. An insert that loses a race with another
     * transaction's (the key's row appeared meanwhile) falls back to the change.
     */
    default void merge(Object key, R absent, java.util.function.UnaryOperator<R> change) throws SQLException {
        Optional<R> current = findForUpdate(key);
        if (current.isEmpty()) {
            if (insert(absent)) {
                return;
            }
            current = findForUpdate(key);
        }
        R changed = change.apply(current.orElseThrow());
        if (!changed.equals(current.get())) {
            update(changed);
        }
    }

    /** Counters: adds {@code delta}'s numbers to the row of its key (which a missing row counts as 0). */
    void add(R delta) throws SQLException;
}
