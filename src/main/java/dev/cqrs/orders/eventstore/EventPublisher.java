package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.events.EventEnvelope;
import java.util.List;

/**
 * Puts events on the message bus. Used by the relay thread only, so an implementation may keep
 * its connection open between batches.
 */
public interface EventPublisher {

    /** Returns once the bus has durably accepted all of the events, in their order. */
    void publish(List<EventEnvelope> events) throws EventPublishingException;

    /** Releases what the publisher holds open; the next publish opens it again. */
    void close();
}
