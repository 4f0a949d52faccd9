package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A projection applied to events in memory ({@link MemoryViews}): what a rebuild writes into its
 * shadow tables and what the verifier compares with the live ones. Passes events through the same
 * gate as the live side: for an aggregate type the projection reads in sequence, a repeat is
 * ignored and an event that comes before its predecessor waits for it ({@link #waiting}).
 */
final class Replay {

    /** Which events to apply: all, or (the verifier) each aggregate's up to where its live row is. */
    @FunctionalInterface
    interface Admission {
        Admission ALL = (event, position) -> true;

        boolean admits(EventEnvelope event, long position);
    }

    private final Projection projection;
    private final Admission admission;
    private final MemoryViews views = new MemoryViews();
    private final Map<UUID, Integer> applied = new HashMap<>();
    private final Map<UUID, TreeMap<Integer, EventEnvelope>> early = new HashMap<>();
    private long events;

    Replay(Projection projection, Admission admission) {
        this.projection = projection;
        this.admission = admission;
    }

    MemoryViews views() {
        return views;
    }

    /** How many events were handed to {@link #accept}. */
    long events() {
        return events;
    }

    void accept(EventEnvelope event) throws SQLException {
        accept(event, Long.MAX_VALUE);
    }

    void accept(EventEnvelope event, long position) throws SQLException {
        events++;
        if (!projection.aggregateTypes().contains(event.aggregateType()) || !admission.admits(event, position)) {
            return;
        }
        if (!projection.inSequence(event.aggregateType())) {
            projection.apply(event, views);
            return;
        }
        UUID id = event.aggregateId();
        int at = applied.getOrDefault(id, 0);
        if (event.sequence() <= at) {
            return;
        }
        if (event.sequence() > at + 1) {
            early.computeIfAbsent(id, k -> new TreeMap<>()).put(event.sequence(), event);
            return;
        }
        projection.apply(event, views);
        applied.put(id, event.sequence());
        TreeMap<Integer, EventEnvelope> waiting = early.get(id);
        if (waiting != null) {
            Map.Entry<Integer, EventEnvelope> next = waiting.pollFirstEntry();
            if (waiting.isEmpty()) {
                early.remove(id);
            }
            if (next != null) {
                events--;
                accept(next.getValue(), position);
            }
        }
    }

    /**
     * How many events wait for a predecessor the replay has not seen. Once a whole snapshot is
     * replayed it must be 0: an aggregate's events are committed in sequence, so a snapshot that
     * shows one shows its predecessors.
     */
    int waiting() {
        int count = 0;
        for (TreeMap<Integer, EventEnvelope> waiting : early.values()) {
            count += waiting.size();
        }
        return count;
    }
}
