package dev.cqrs.orders.eventstore;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.UUID;

/**
 * A read side's request to publish an aggregate's stored events {@code from}..{@code to} again:
 * they never came (a message lost on its way). A message on {@link #QUEUE}, which the event store
 * serves ({@link RepublishRequestListener}): the read side does not touch write_db itself.
 */
public record RepublishRequest(UUID aggregateId, int from, int to) {

    /** The anycast queue of the requests (server-config/artemis/broker.xml). */
    public static final String QUEUE = "eventstore.republish";

    /** Sends this request on {@code session}: persistent, so a broker restart keeps it. */
    public void send(Session session) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Message message = session.createMessage();
            message.setStringProperty("aggregate_id", aggregateId.toString());
            message.setIntProperty("from", from);
            message.setIntProperty("to", to);
            producer.send(message);
        }
    }

    static RepublishRequest of(Message message) throws JMSException {
        return new RepublishRequest(UUID.fromString(message.getStringProperty("aggregate_id")),
                message.getIntProperty("from"), message.getIntProperty("to"));
    }
}
