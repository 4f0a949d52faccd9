package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.consistency.ViewProgress;
import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.platform.persistence.SqlStates;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where events enter the read side: from the broker ({@link #deliver}), from the retry job and from
 * an admin's replay ({@link #catchUp}). No transaction of its own: each step is one read_db
 * transaction of {@link ProjectionGate}, and a failed step is recorded in {@link ParkedEvents} in
 * another, so that the failure, not the event, holds its aggregate back, and the broker's
 * delivery goes on with other aggregates. Deliveries that arrive while others are being applied
 * share one transaction ({@link GroupCommit}); when such a transaction fails, each of its events is
 * taken again alone, so that parking and retries stay those of the one event that failed.
 */
@ApplicationScoped
public class ProjectionIntake {

    private static final Logger LOG = Logger.getLogger(ProjectionIntake.class.getName());
    private static final long UNREACHABLE_PAUSE_MILLIS = 1000;
    // The most deliveries one transaction takes (no more than the consumers' sessions can wait at once),
    // and the most transactions of deliveries at once: the order events' consumer sessions (maxSession).
    private static final int MAX_BATCH = 32;
    private static final int MAX_LANES = 8;
    // A transaction of deliveries locks the rows of several aggregates, so it can meet a rename or an
    // e-mail change (which locks many views) in a deadlock; PostgreSQL rolls one back. That is no
    // failure of the event: it is run again at once, up to this many times, before it is parked.
    private static final int CONFLICT_ATTEMPTS = 3;

    // What became of the broker's deliveries on this instance since it started (GET /admin/projections/deliveries).
    private final Map<ProjectionGate.Outcome, LongAdder> outcomes = new EnumMap<>(ProjectionGate.Outcome.class);
    private final LongAdder failed = new LongAdder();

    {
        for (ProjectionGate.Outcome outcome : ProjectionGate.Outcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
    }

    @Inject
    ProjectionGate gate;

    @Inject
    ParkedEvents parked;

    // Transactions of the broker's deliveries at once, each holding a read_db connection. Fewer lanes
    // put more deliveries in each transaction under load (fewer commits per event); more let a
    // delivery that arrives while others are applied start sooner. Four, not two: with two the view
    // lag's p99 at half load rose well above the code's before the group commit, with four it did
    // not, for 4-6 % more CPU per order (docs/runs/2026-12-06-issue17-lag-lanes.md).
    @Inject
    @ConfigProperty(name = "cqrs.projection.transaction-lanes", defaultValue = "4")
    int lanes;

    // Deliveries that arrive while others are being applied share their read_db transaction.
    private GroupCommit<EventEnvelope, ProjectionGate.Outcome> together;

    @Inject
    ViewProgress progress;

    @PostConstruct
    void batches() {
        if (lanes < 1 || lanes > MAX_LANES) {
            throw new IllegalStateException("cqrs.projection.transaction-lanes must be 1 to " + MAX_LANES
                    + " (at most the order events' consumer sessions): " + lanes);
        }
        together = new GroupCommit<>(lanes, MAX_BATCH, gate::receiveAll);
    }

    /** What a catch-up did: how many events it applied, and the failure that stopped it, if any. */
    public record CatchUp(int applied, ProjectionFailure failure) {
    }

    /**
     * Applies, ignores or parks an event from the broker. Throws (so that the broker delivers it
     * again, to the same consumer and in the same place of its group) only when read_db cannot even
     * record a failure, that is, when it cannot be reached.
     */
    public void deliver(EventEnvelope event) {
        ProjectionGate.Outcome outcome;
        try {
            outcome = together.submit(event);
        } catch (GroupCommit.BatchFailed batchFailed) {
            outcome = alone(event, batchFailed);
            if (outcome == null) {
                return;
            }
        }
        outcomes.get(outcome).increment();
        if (outcome == ProjectionGate.Outcome.APPLIED_WITH_WAITING) {
            catchUp(event.aggregateId(), false);
        }
        // Committed: queries waiting for it on this instance are answered now, not at the next poll.
        progress.applied();
    }

    /**
     * An event whose batch failed, applied by itself: the batch's failure was this event's own
     * (a batch of one) or is found again by itself (or not: another event of the batch caused it);
     * a deadlock is run again. Parks it if it fails; {@code null} then.
     */
    private ProjectionGate.Outcome alone(EventEnvelope event, GroupCommit.BatchFailed batchFailed) {
        try {
            if (batchFailed.batchSize() == 1 && !SqlStates.isTransientConflict(batchFailed.getCause())) {
                throw batchFailed.getCause() instanceof RuntimeException e ? e
                        : new IllegalStateException(batchFailed.getCause().getMessage(), batchFailed.getCause());
            }
            return receiveAlone(event);
        } catch (RuntimeException e) {
            try {
                parked.recordFailure(event, e);
                failed.increment();
            } catch (RuntimeException unrecorded) {
                LOG.log(Level.FINE, "read_db unreachable; the broker delivers the event again", unrecorded);
                pause();
                throw e;
            }
            return null;
        }
    }

    /** {@link ProjectionGate#receive}, run again when PostgreSQL broke a deadlock by rolling it back. */
    private ProjectionGate.Outcome receiveAlone(EventEnvelope event) {
        for (int attempt = 1; ; attempt++) {
            try {
                return gate.receive(event);
            } catch (RuntimeException e) {
                if (attempt >= CONFLICT_ATTEMPTS || !SqlStates.isTransientConflict(e)) {
                    throw e;
                }
                LOG.fine(() -> event.type() + " " + event.eventId() + " met a deadlock; running it again");
            }
        }
    }

    /**
     * The broker's deliveries to this instance since it started, by what became of them: {@code
     * applied}, {@code duplicates_ignored} (the projections held the event already), {@code waiting}
     * (parked behind a gap or a failed predecessor), {@code failed} (parked for a retry); and the
     * read_db transactions they were applied in together ({@code transactions}, the most events in
     * one: {@code largest_transaction}), not counting those run again alone after their batch failed;
     * now: {@code applying} (deliveries in the transactions running), {@code queued} (deliveries
     * waiting for a transaction to take them), and the {@code lanes} (transactions at once at most).
     */
    public Map<String, Long> deliveries() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("applied", outcomes.get(ProjectionGate.Outcome.APPLIED).sum()
                + outcomes.get(ProjectionGate.Outcome.APPLIED_WITH_WAITING).sum());
        counts.put("duplicates_ignored", outcomes.get(ProjectionGate.Outcome.DUPLICATE).sum());
        counts.put("waiting", outcomes.get(ProjectionGate.Outcome.WAITING).sum());
        counts.put("failed", failed.sum());
        GroupCommit.Counts batches = together.counts();
        counts.put("transactions", batches.batches());
        counts.put("largest_transaction", (long) batches.largest());
        counts.put("applying", (long) together.running());
        counts.put("queued", (long) together.waiting());
        counts.put("lanes", (long) lanes);
        return counts;
    }

    /**
     * Applies an aggregate's parked events in sequence for as long as it is their turn: the first
     * is due (or {@code includeDead}, an admin's replay, which also takes dead ones) and the next
     * in sequence. A failure is recorded against the event that failed and stops the catch-up.
     */
    public CatchUp catchUp(UUID aggregateId, boolean includeDead) {
        int applied = 0;
        while (true) {
            ProjectionGate.Step step;
            try {
                step = gate.applyNextParked(aggregateId, includeDead);
            } catch (ProjectionFailure failure) {
                parked.recordFailure(failure.event(), failure);
                return new CatchUp(applied, failure);
            }
            switch (step) {
                case APPLIED -> applied++;
                case SKIPPED -> {
                    // A duplicate that waited: gone, look at the next one.
                }
                default -> {
                    return new CatchUp(applied, null);
                }
            }
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(UNREACHABLE_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
