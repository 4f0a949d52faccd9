package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.eventstore.EventEnvelope;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

/** Turns a JMS message from an events address back into the event it carries. */
public final class EventMessages {

    private EventMessages() {
    }

    public static EventEnvelope decode(Message message) {
        if (!(message instanceof TextMessage text)) {
            throw new IllegalArgumentException("expected a TextMessage with event JSON, got " + message.getClass());
        }
        try {
            return EventEnvelope.fromJson(text.getText());
        } catch (JMSException e) {
            // Rethrown so that the message is delivered again rather than acknowledged unread.
            throw new IllegalStateException("could not read message body", e);
        }
    }
}
