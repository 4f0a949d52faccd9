package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.eventstore.EventEnvelope;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Puts events on the message bus. Used by the relay thread only, so an implementation may keep
 * its connection open between batches.
 */
public interface EventPublisher {

    /** Returns once the bus has durably accepted all of the events, in their order. */
    default void publish(List<EventEnvelope> events) throws EventPublishingException {
        publish(events, Map.of());
    }

    /**
     * As {@link #publish(List)}; an event whose id is a key of {@code resendIds} is a re-publication
     * and goes out with that duplicate id instead of its own.
     */
    void publish(List<EventEnvelope> events, Map<UUID, UUID> resendIds) throws EventPublishingException;

    /** Releases what the publisher holds open; the next publish opens it again. */
    void close();
}
