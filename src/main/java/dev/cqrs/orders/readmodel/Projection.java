package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A read model: the contract each feature implements for the views it owns, as an
 * {@code @ApplicationScoped} bean ({@link Projections} finds them through CDI). The read side's
 * runtime does the rest for every projection alike: delivery from the broker, the per-aggregate
 * gate (order, duplicates, parking, retries), rebuild into shadow tables, verification and lag.
 *
 * <p>{@link #apply} is the projection's only rule book: the live projection runs it against
 * read_db in the event's transaction, a rebuild runs it against memory and writes the result into
 * shadow tables, and the verifier runs it against memory and compares with the tables. So each
 * rule exists once.
 */
public interface Projection {

    /** What operators call it: {@code GET /admin/projections} and the rebuild's lock. */
    String name();

    /**
     * The aggregate types whose events it reads, in the order a rebuild folds them (whatever a later
     * type's events look up comes first).
     */
    List<String> aggregateTypes();

    /** Its tables, all of them (a rebuild replaces them together). */
    List<ViewTable<?>> tables();

    /** The tables that clients read, named in the admin API (rebuild, verify): by default all. */
    default List<ViewTable<?>> views() {
        return tables();
    }

    /**
     * Per aggregate type: a table keyed by that aggregate's id with an {@code int version} column,
     * the last of its events this projection applied. The runtime reads it to order and deduplicate
     * deliveries ({@link #inSequence}), to measure lag, and to verify a row against the events it
     * says it has applied.
     */
    Map<String, ViewTable<?>> versions();

    /**
     * Whether the events of {@code aggregateType} must reach {@link #apply} in sequence, each once
     * (the runtime parks early ones and drops duplicates). Otherwise they come in any order, and
     * {@code apply} must make the newest version win.
     */
    default boolean inSequence(String aggregateType) {
        return false;
    }

    /**
     * Applies one event to the tables. For an aggregate type it reads in sequence, the runtime hands
     * it each event once, right after its predecessor (judged by the {@link #versions} table: it must
     * set that version); other events come in any order, and repeated.
     */
    void apply(EventEnvelope event, Views views) throws SQLException;
}
