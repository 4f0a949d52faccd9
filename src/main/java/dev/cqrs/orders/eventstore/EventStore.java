package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.command.CommandMetadata;
import dev.cqrs.orders.platform.persistence.KeptWrites;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Appends events to the event store in the caller's transaction. Each event row is also an outbox
 * entry: when the transaction commits, the {@link OutboxRelay} is told to send it to Artemis; if
 * the transaction rolls back, neither the event nor its message exists. (The command's
 * transaction, with its idempotency key and audit row, is CommandGateway's.)
 */
@ApplicationScoped
public class EventStore {

    private static final String APPEND = """
            WITH appended AS (
                INSERT INTO events (aggregate_id, sequence, event_id, aggregate_type, type, occurred_at,
                                    command_id, principal, schema_version, data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))
                RETURNING aggregate_id, sequence, aggregate_type)
            INSERT INTO outbox (aggregate_id, sequence, aggregate_type)
            SELECT aggregate_id, sequence, aggregate_type FROM appended""";

    private static final Object TOUCHED_AGGREGATES = new Object();

    // Plain JDBC on the command's connection: inside its JTA transaction the pool hands out the same
    // connection as JPA's, so the events commit with the entity. (Hibernate parsed the native
    // statement anew at every call: a tenth of the CPU under load, JFR.)
    @Inject
    KeptWrites writes;

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
            appended.add(envelope);
        }
        record(aggregateId, appended);
        return appended;
    }

    /**
     * Writes the events with their outbox entries, and has the relay send them once the
     * transaction has committed. (Protected for the fault suite's mutant that skips the outbox, in
     * the test WAR only: src/test/java, FaultSuiteIT.)
     */
    protected void record(UUID aggregateId, List<EventEnvelope> appended) {
        insert(APPEND, appended);
        relayAfterCommit(aggregateId);
    }

    /**
     * Each event's row with {@code sql}, kept with the command's other writes (sent together once
     * its answer is known: {@link KeptWrites}); a unique violation means another command appended
     * to the aggregate first.
     */
    protected void insert(String sql, List<EventEnvelope> events) {
        for (EventEnvelope e : events) {
            writes.write(new KeptWrites.Write("event " + e.type(), sql, e.aggregateType() + " " + e.aggregateId()
                    + " was changed concurrently; retry with its new version",
                    e.aggregateId(), e.sequence(), e.eventId(), e.aggregateType(), e.type(), e.occurredAt(),
                    e.commandId(), e.principal(), e.schemaVersion(), e.data().toString()));
        }
    }

    private void relayAfterCommit(UUID aggregateId) {
        afterCommit(TOUCHED_AGGREGATES, LinkedHashSet::new, relay::relaySoon).add(aggregateId);
    }

    /**
     * The transaction's collection under {@code key}, created on first use together with a
     * synchronization that hands it to {@code onCommit} once the transaction has committed.
     */
    @SuppressWarnings("unchecked")
    protected <C> C afterCommit(Object key, Supplier<C> create, Consumer<C> onCommit) {
        C collected = (C) transactions.getResource(key);
        if (collected == null) {
            C created = create.get();
            transactions.putResource(key, created);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        onCommit.accept(created);
                    }
                }
            });
            collected = created;
        }
        return collected;
    }
}
