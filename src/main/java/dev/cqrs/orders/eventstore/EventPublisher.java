package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.events.EventEnvelope;
import java.util.List;

/** Puts events on the message bus; returns only once the bus has durably accepted all of them. */
public interface EventPublisher {

    void publish(List<EventEnvelope> events) throws EventPublishingException;
}
