package dev.cqrs.orders.eventstore;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Serves the read side's {@link RepublishRequest}s: queues the events again in the outbox, which
 * the relay sends. A request that fails (write_db unreachable) is delivered again by the broker;
 * one served twice queues nothing the second time.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = RepublishRequest.QUEUE),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1"),
})
public class RepublishRequestListener implements MessageListener {

    @Inject
    OutboxRepublisher republisher;

    // No container transaction: the outbox insert commits on its own, then the message is acknowledged.
    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void onMessage(Message message) {
        try {
            RepublishRequest request = RepublishRequest.of(message);
            republisher.republish(request.aggregateId(), request.from(), request.to());
        } catch (JMSException e) {
            throw new IllegalStateException("reading a republish request failed: " + e, e);
        }
    }
}
