package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Applies one event to every projection that reads it ({@link Projections}), in one local read_db
 * transaction (not JTA: see {@link Jdbc#inTransaction}): all of them change, or none does. Every
 * event passes the same gate first, under a per-aggregate lock:
 * <ul>
 *   <li>an aggregate with a parked event (retrying or dead, see {@link ParkedEvents}) takes no
 *       event past it: the new one waits behind it;</li>
 *   <li>for an aggregate type projections read in sequence ({@link Projection#inSequence}): each
 *       gets the event only if it is past the version it holds ({@link Projection#versions}), so
 *       an event all of them hold is a duplicate and is ignored; one past the next version of the
 *       one furthest behind is a gap and waits (the missing event is on its way), parked as
 *       {@code waiting} and applied right after its predecessor. This is the one duplicate and
 *       order check of the read side: the projections themselves have none.</li>
 * </ul>
 * Other events carry their aggregate's whole state and are applied newest-wins by the projections,
 * so for them a gap is harmless and a duplicate changes nothing.
 */
@ApplicationScoped
public class ProjectionGate {

    private static final Logger LOG = Logger.getLogger(ProjectionGate.class.getName());

    /** What became of an event. */
    public enum Outcome {
        APPLIED, DUPLICATE, WAITING,
        /** Applied, and events of its aggregate wait in the parked store: {@link #applyNextParked} them. */
        APPLIED_WITH_WAITING
    }

    /** What {@link #applyNextParked} did with an aggregate's first parked event. */
    public enum Step { APPLIED, SKIPPED, NOTHING_LEFT, NOT_DUE, DEAD, GAP }

    // One transaction per aggregate at a time, whoever applies its events (a delivery, the retry
    // job, an admin's replay). Transaction-scoped: released by the commit or rollback.
    // Shared: a rebuild's swap takes it exclusive (ProjectionRebuilds), pausing every projection.
    private static final String LOCK = "SELECT " + ProjectionRebuilds.SHARED_LOCK + ", pg_advisory_xact_lock(?)";
    // The same for several aggregates, in the order of the array (the caller sorts it).
    private static final String LOCK_ALL = "SELECT " + ProjectionRebuilds.SHARED_LOCK + ", pg_advisory_xact_lock(k)"
            + " FROM unnest(?::bigint[]) WITH ORDINALITY AS a (k, n) ORDER BY n";

    // The version each projection reading the aggregate's type in sequence holds, then the parked store.
    private static final String GATE = """
            SELECT %s
                   EXISTS (SELECT 1 FROM parked_events WHERE aggregate_id = ? AND state <> 'waiting'),
                   EXISTS (SELECT 1 FROM parked_events WHERE aggregate_id = ? AND state = 'waiting')""";

    // GATE for the aggregates of one type in a batch: a row each, the aggregate's id first.
    private static final String GATE_ALL = """
            SELECT a.id::text, %s
                   EXISTS (SELECT 1 FROM parked_events WHERE aggregate_id = a.id AND state <> 'waiting'),
                   EXISTS (SELECT 1 FROM parked_events WHERE aggregate_id = a.id AND state = 'waiting')
            FROM unnest(?::uuid[]) AS a (id)""";

    // GATE and GATE_ALL for each aggregate type, made at its first event.
    private final Map<String, String> gateSql = new ConcurrentHashMap<>();
    private final Map<String, String> gateAllSql = new ConcurrentHashMap<>();

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    Projections projections;

    @Inject
    ParkedEvents parked;

    @Inject
    ViewCache cache;

    @Inject
    ViewChangeFeed feed;

    /** Work of one read_db transaction on its views (the unit's {@link JdbcViews}). */
    @FunctionalInterface
    private interface Unit<T> {
        T on(Connection connection, JdbcViews views) throws SQLException;
    }

    /**
     * {@code work} in a read_db transaction of its own; once it committed, this instance's read
     * cache drops the rows it changed and its streams look for them at once (other instances find
     * them in {@code view_changes}).
     */
    private <T> T inTransaction(Unit<T> work) throws SQLException {
        JdbcViews[] views = new JdbcViews[1];
        T result = Jdbc.inTransaction(readDb, connection -> work.on(connection, views[0] = new JdbcViews(connection)));
        cache.changed(views[0].changes());
        if (!views[0].changes().isEmpty()) {
            feed.nudge();
        }
        return result;
    }

    /** An event as it comes from the broker: applied, ignored or parked to wait. */
    public Outcome receive(EventEnvelope event) {
        try {
            return inTransaction((connection, views) -> receive(connection, views, event));
        } catch (SQLException e) {
            // Rolled back; nothing was applied.
            throw new IllegalStateException("projecting " + event.type() + " " + event.eventId() + " failed: " + e, e);
        }
    }

    /**
     * Events from the broker's concurrent deliveries, each judged and applied as {@link #receive}
     * would, all in one read_db transaction: one commit (and one write-ahead log flush) for the
     * lot, their aggregates locked in one statement, and the projections' kept writes written in
     * one statement at the end ({@link JdbcViews}; before an event whose aggregate an earlier one of
     * the batch had, they are written first, so that its gate sees them). The locks are taken in
     * the order of their keys, and the events applied in that order (an aggregate's own events keep
     * theirs), so that two such transactions never wait on each other's aggregate locks in a cycle.
     * If any of them fails, none is applied: the caller takes them one by one.
     */
    public List<Outcome> receiveAll(List<EventEnvelope> events) {
        if (events.size() == 1) {
            return List.of(receive(events.get(0)));
        }
        long[] keyOf = events.stream().mapToLong(event -> lockKey(event.aggregateId())).toArray();
        Integer[] order = new Integer[events.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> keyOf[i]));
        Long[] keys = Arrays.stream(order).map(i -> keyOf[i]).toArray(Long[]::new);
        try {
            return inTransaction((connection, views) -> {
                Jdbc.query(connection, LOCK_ALL, connection.createArrayOf("int8", keys));
                Map<UUID, Object[]> gates = gates(connection, events);
                Set<UUID> seen = new HashSet<>();
                Outcome[] outcomes = new Outcome[order.length];
                for (int i : order) {
                    EventEnvelope event = events.get(i);
                    Object[] gate = gates.get(event.aggregateId());
                    if (!seen.add(event.aggregateId())) {
                        // An earlier event of the batch changed what the gate read: read it again.
                        views.flush();
                        gate = null;
                    }
                    outcomes[i] = judgeAndApply(connection, event, views, gate);
                }
                views.flush();
                return List.of(outcomes);
            });
        } catch (SQLException e) {
            throw new IllegalStateException("projecting " + events.size() + " events together failed: " + e, e);
        }
    }

    private Outcome receive(Connection connection, JdbcViews views, EventEnvelope event) throws SQLException {
        lock(connection, event.aggregateId());
        Outcome outcome = judgeAndApply(connection, event, views, null);
        views.flush();
        return outcome;
    }

    /**
     * The gate's rows of a batch's aggregates, read after their locks were taken: one statement per
     * aggregate type, each row what {@link #GATE} reads for one aggregate.
     */
    private Map<UUID, Object[]> gates(Connection connection, List<EventEnvelope> events) throws SQLException {
        Map<String, Set<UUID>> byType = new HashMap<>();
        for (EventEnvelope event : events) {
            byType.computeIfAbsent(event.aggregateType(), type -> new LinkedHashSet<>()).add(event.aggregateId());
        }
        Map<UUID, Object[]> gates = new HashMap<>();
        for (Map.Entry<String, Set<UUID>> type : byType.entrySet()) {
            Projections.Readers readers = projections.readers(type.getKey());
            String sql = gateAllSql.computeIfAbsent(type.getKey(), t -> GATE_ALL.formatted(
                    readers.versionColumnsOfA().isEmpty() ? "" : readers.versionColumnsOfA() + ","));
            for (Object[] row : Jdbc.query(connection, sql, connection.createArrayOf("uuid", type.getValue().toArray()))) {
                gates.put(UUID.fromString((String) row[0]), Arrays.copyOfRange(row, 1, row.length));
            }
        }
        return gates;
    }

    /**
     * The gate's verdict on an event of a locked aggregate, and the event applied to {@code views} if
     * due; {@code gate}: the gate's row if read already ({@link #gates}), or {@code null}.
     */
    private Outcome judgeAndApply(Connection connection, EventEnvelope event, JdbcViews views, Object[] gate)
            throws SQLException {
        Projections.Readers readers = projections.readers(event.aggregateType());
        int count = readers.sequenced().size();
        if (gate == null) {
            gate = Jdbc.query(connection, gateSql(event.aggregateType(), readers),
                    Projections.ids(event.aggregateId(), count + 2)).get(0);
        }
        boolean parkedAhead = (Boolean) gate[count];
        boolean waiting = (Boolean) gate[count + 1];
        // Each projection that reads the type in sequence holds its own version: usually all the
        // same, but a rebuild may have taken one further than the others.
        Projections.Held held = readers.held(gate, event.sequence());
        switch (judge(event.sequence(), held, parkedAhead)) {
            case BEHIND_PARKED -> {
                parked.addWaiting(connection, event, "behind an earlier event of its aggregate that failed");
                return Outcome.WAITING;
            }
            case DUPLICATE -> {
                LOG.fine(() -> duplicate(event, held.lowest()));
                return Outcome.DUPLICATE;
            }
            case GAP -> {
                parked.addWaiting(connection, event, "waiting for event #" + (held.lowest() + 1) + " of its aggregate");
                return Outcome.WAITING;
            }
            case APPLY -> {
            }
        }
        apply(views, event, readers, skipping(held));
        return waiting ? Outcome.APPLIED_WITH_WAITING : Outcome.APPLIED;
    }

    /** What the gate makes of an event. */
    protected enum Verdict { APPLY, DUPLICATE, GAP, BEHIND_PARKED }

    /**
     * The read side's one duplicate and order check: an event waits behind a parked event of its
     * aggregate; for an aggregate type read in sequence, one every projection holds already is a
     * duplicate and one past the next version of the projection furthest behind is a gap. (Protected
     * for the fault suite's mutants, which exist in its test WAR only: src/test/java.)
     */
    protected Verdict judge(int sequence, Projections.Held held, boolean parkedAhead) {
        if (parkedAhead) {
            return Verdict.BEHIND_PARKED;
        }
        if (held.inSequence() && sequence <= held.lowest()) {
            return Verdict.DUPLICATE;
        }
        if (held.inSequence() && sequence > held.lowest() + 1) {
            return Verdict.GAP;
        }
        return Verdict.APPLY;
    }

    /** The projections an event skips because they hold it already (see {@link #judge}). */
    protected Set<Projection> skipping(Projections.Held held) {
        return held.holding();
    }

    private String gateSql(String aggregateType, Projections.Readers readers) {
        return gateSql.computeIfAbsent(aggregateType,
                type -> GATE.formatted(readers.versionColumns().isEmpty() ? "" : readers.versionColumns() + ","));
    }

    /**
     * Applies the first parked event of an aggregate, if it is its turn: the next in sequence, and
     * (unless {@code includeDead}) not dead and due. A failure is thrown as a
     * {@link ProjectionFailure} naming the event, after the rollback.
     */
    public Step applyNextParked(UUID aggregateId, boolean includeDead) {
        EventEnvelope[] event = new EventEnvelope[1];
        try {
            return inTransaction((connection, views) -> applyNextParked(connection, views, aggregateId, includeDead, event));
        } catch (SQLException | RuntimeException e) {
            if (event[0] == null) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("reading parked events failed: " + e, e);
            }
            throw new ProjectionFailure(event[0], e);
        }
    }

    private Step applyNextParked(Connection connection, JdbcViews views, UUID aggregateId, boolean includeDead,
                                 EventEnvelope[] taken) throws SQLException {
        lock(connection, aggregateId);
        List<ParkedEvents.Entry> first = parked.first(connection, aggregateId);
        if (first.isEmpty()) {
            return Step.NOTHING_LEFT;
        }
        ParkedEvents.Entry entry = first.get(0);
        EventEnvelope event = entry.event();
        taken[0] = event;
        if (!includeDead && entry.state().equals(ParkedEvents.DEAD)) {
            return Step.DEAD;
        }
        if (!includeDead && entry.state().equals(ParkedEvents.RETRYING) && !entry.due()) {
            return Step.NOT_DUE;
        }
        Projections.Readers readers = projections.readers(event.aggregateType());
        Projections.Held held = readers.held(connection, aggregateId, event.sequence());
        switch (judge(event.sequence(), held, false)) {
            case DUPLICATE -> {
                parked.remove(connection, event.eventId());
                return Step.SKIPPED;
            }
            case GAP -> {
                return Step.GAP;
            }
            default -> {
            }
        }
        apply(views, event, readers, skipping(held));
        views.flush();
        parked.remove(connection, event.eventId());
        return Step.APPLIED;
    }

    /**
     * The event, through every projection that reads it but those {@code holding} it already, on the
     * transaction's views (the caller flushes them), and noted as projected.
     */
    private void apply(JdbcViews views, EventEnvelope event, Projections.Readers readers, Set<Projection> holding)
            throws SQLException {
        views.projected(event.eventId());
        if (readers.all().isEmpty()) {
            LOG.fine(() -> "no projection reads " + event.aggregateType() + " events");
            return;
        }
        for (Projection projection : readers.all()) {
            if (!holding.contains(projection)) {
                projection.apply(event, views);
            }
        }
    }

    static void lock(Connection connection, UUID aggregateId) throws SQLException {
        Jdbc.query(connection, LOCK, lockKey(aggregateId));
    }

    private static long lockKey(UUID aggregateId) {
        return aggregateId.getMostSignificantBits() ^ aggregateId.getLeastSignificantBits();
    }

    private static String duplicate(EventEnvelope event, int applied) {
        return event.type() + " #" + event.sequence() + " of " + event.aggregateId() + " was applied already (views at "
                + applied + ")";
    }
}
