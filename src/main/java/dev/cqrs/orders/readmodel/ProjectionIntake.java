package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where events enter the read side: from the broker ({@link #deliver}), from the retry job and from
 * an admin's replay ({@link #catchUp}). No transaction of its own: each step is one read_db
 * transaction of {@link ProjectionGate}, and a failed step is recorded in {@link ParkedEvents} in
 * another, so that the failure, not the event, holds its aggregate back, and the broker's
 * delivery goes on with other aggregates.
 */
@ApplicationScoped
public class ProjectionIntake {

    private static final Logger LOG = Logger.getLogger(ProjectionIntake.class.getName());
    private static final long UNREACHABLE_PAUSE_MILLIS = 1000;

    @Inject
    ProjectionGate gate;

    @Inject
    ParkedEvents parked;

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
            outcome = gate.receive(event);
        } catch (RuntimeException e) {
            try {
                parked.recordFailure(event, e);
            } catch (RuntimeException unrecorded) {
                LOG.log(Level.FINE, "read_db unreachable; the broker delivers the event again", unrecorded);
                pause();
                throw e;
            }
            return;
        }
        if (outcome == ProjectionGate.Outcome.APPLIED_WITH_WAITING) {
            catchUp(event.aggregateId(), false);
        }
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
