package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.jms.ConnectionFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * A fault-suite mutant, packaged only into the test WAR ({@code Mutants}): events are written
 * without outbox entries and sent once, after the commit; a send that fails or a process that dies
 * first loses them. FaultSuiteIT must fail on "lost" with it (promise 1).
 */
@Alternative
@Priority(1000)
@ApplicationScoped
public class PublishWithoutOutboxMutant extends EventStore {

    private static final Logger LOG = Logger.getLogger(PublishWithoutOutboxMutant.class.getName());

    private static final String APPEND_WITHOUT_OUTBOX = """
            INSERT INTO events (aggregate_id, sequence, event_id, aggregate_type, type, occurred_at,
                                command_id, principal, schema_version, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))""";

    private static final Object SENDS = new Object();

    @Resource(lookup = Resources.BROKER)
    ConnectionFactory connectionFactory;

    @Resource
    ManagedExecutorService executor;

    // Its own publisher: the relay's is its thread's alone.
    private JmsEventPublisher publisher;

    @Override
    protected void record(UUID aggregateId, List<EventEnvelope> appended) {
        insert(APPEND_WITHOUT_OUTBOX, appended);
        afterCommit(SENDS, ArrayList::new, (List<EventEnvelope> events) -> executor.execute(() -> sendOnce(events)))
                .addAll(appended);
    }

    private synchronized void sendOnce(List<EventEnvelope> events) {
        if (publisher == null) {
            publisher = new JmsEventPublisher();
            publisher.connectionFactory = connectionFactory;
        }
        try {
            publisher.publish(events);
        } catch (EventPublishingException | RuntimeException e) {
            LOG.severe("MUTANT: " + events.size() + " event(s) lost, sent once without the outbox: " + e);
        }
    }
}
