package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;

/** Applying {@link #event()} to the read models failed; its transaction rolled back. */
public class ProjectionFailure extends RuntimeException {

    private final transient EventEnvelope event;

    public ProjectionFailure(EventEnvelope event, Throwable cause) {
        super("projecting " + event.type() + " #" + event.sequence() + " of " + event.aggregateId() + " failed: " + cause,
                cause);
        this.event = event;
    }

    public EventEnvelope event() {
        return event;
    }
}
