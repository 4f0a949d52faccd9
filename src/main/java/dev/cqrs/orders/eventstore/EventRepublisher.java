package dev.cqrs.orders.eventstore;

import java.util.UUID;

/**
 * Sends an aggregate's stored events again, for a read side that waits for events that never
 * came (a message lost on its way). The read side depends on this, the event store implements it.
 */
public interface EventRepublisher {

    /** Queues events {@code from}..{@code to} of the aggregate to be published again; answers how many. */
    int republish(UUID aggregateId, int from, int to);
}
