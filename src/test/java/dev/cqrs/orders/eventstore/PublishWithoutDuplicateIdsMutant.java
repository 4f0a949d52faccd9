package dev.cqrs.orders.eventstore;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.jms.TextMessage;
import java.util.Map;
import java.util.UUID;

/**
 * A fault-suite mutant, packaged only into the test WAR ({@code Mutants}), half of "dedupe": messages
 * carry no duplicate id, so the broker passes every re-send on (with {@code
 * readmodel.GateWithoutDuplicateCheckMutant}, FaultSuiteIT must fail on "doubled", promise 2).
 */
@Alternative
@Priority(1000)
@ApplicationScoped
public class PublishWithoutDuplicateIdsMutant extends JmsEventPublisher {

    @Override
    protected void identify(TextMessage message, EventEnvelope event, Map<UUID, UUID> resendIds) {
    }
}
