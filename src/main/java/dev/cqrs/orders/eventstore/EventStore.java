package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.command.CommandMetadata;
import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.events.PendingEvent;
import dev.cqrs.orders.platform.persistence.SqlStates;
import dev.cqrs.orders.platform.problem.ConflictException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Appends events to the event store in the caller's transaction. Each event row is also an outbox
 * entry: when the transaction commits, the {@link OutboxRelay} is told to send it to Artemis; if
 * the transaction rolls back, neither the event nor its message exists.
 */
@ApplicationScoped
public class EventStore {

    private static final String APPEND = """
            WITH appended AS (
                INSERT INTO events (aggregate_id, sequence, event_id, aggregate_type, type, occurred_at,
                                    command_id, principal, schema_version, data)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CAST(?10 AS jsonb))
                RETURNING aggregate_id, sequence, aggregate_type)
            INSERT INTO outbox (aggregate_id, sequence, aggregate_type)
            SELECT aggregate_id, sequence, aggregate_type FROM appended""";

    private static final Object TOUCHED_AGGREGATES = new Object();

    @PersistenceContext(unitName = "write")
    EntityManager em;

    @Inject
    CommandMetadata metadata;

    @Inject
    OutboxRelay relay;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /**
     * Appends {@code events} after the aggregate's {@code currentVersion} (0 for a new aggregate).
     * A concurrent command that appended first makes this one fail with a conflict.
     */
    public List<EventEnvelope> append(String aggregateType, UUID aggregateId, int currentVersion,
                                      Instant occurredAt, List<PendingEvent> events) {
        List<EventEnvelope> appended = new ArrayList<>(events.size());
        int sequence = currentVersion;
        for (PendingEvent event : events) {
            EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), event.type(), aggregateType, aggregateId,
                    ++sequence, occurredAt, metadata.commandId(), metadata.principal(), event.schemaVersion(),
                    event.data());
            insert(envelope);
            appended.add(envelope);
        }
        relayAfterCommit(aggregateId);
        return appended;
    }

    private void insert(EventEnvelope e) {
        try {
            em.createNativeQuery(APPEND)
                    .setParameter(1, e.aggregateId())
                    .setParameter(2, e.sequence())
                    .setParameter(3, e.eventId())
                    .setParameter(4, e.aggregateType())
                    .setParameter(5, e.type())
                    .setParameter(6, e.occurredAt())
                    .setParameter(7, e.commandId())
                    .setParameter(8, e.principal())
                    .setParameter(9, e.schemaVersion())
                    .setParameter(10, e.data().toString())
                    .executeUpdate();
        } catch (PersistenceException ex) {
            if (SqlStates.isUniqueViolation(ex)) {
                throw new ConflictException(e.aggregateType() + " " + e.aggregateId()
                        + " was changed concurrently; retry with its new version");
            }
            throw ex;
        }
    }

    @SuppressWarnings("unchecked")
    private void relayAfterCommit(UUID aggregateId) {
        Set<UUID> touched = (Set<UUID>) transactions.getResource(TOUCHED_AGGREGATES);
        if (touched == null) {
            Set<UUID> ids = new LinkedHashSet<>();
            transactions.putResource(TOUCHED_AGGREGATES, ids);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        relay.relaySoon(ids);
                    }
                }
            });
            touched = ids;
        }
        touched.add(aggregateId);
    }
}
