package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.events.EventEnvelope;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Publishes events to Artemis: one multicast address per aggregate type ({@code order.events},
 * ...), persistent messages, in one local JMS transaction per batch whose commit returns once the
 * broker has journaled all of them.
 *
 * <ul>
 *   <li>{@code _AMQ_DUPL_ID} = event id: Artemis drops a message it has already received, which
 *       is what a re-send after a crash produces.</li>
 *   <li>{@code JMSXGroupID} = aggregate id: one consumer at a time per aggregate, in order.</li>
 * </ul>
 *
 * <p>The relay runs outside JTA; the connection factory allows local transactions for it. The
 * classic API is used because the resource adapter refuses {@code JMSContext.SESSION_TRANSACTED}
 * outside JTA.
 */
@ApplicationScoped
public class JmsEventPublisher implements EventPublisher {

    private static final Logger LOG = Logger.getLogger(JmsEventPublisher.class.getName());

    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    static final String GROUP_ID = "JMSXGroupID";

    @Resource(lookup = "jms/cqrs-events")
    ConnectionFactory connectionFactory;

    @Override
    public void publish(List<EventEnvelope> events) throws EventPublishingException {
        try (Connection connection = connectionFactory.createConnection()) {
            try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
                send(session, events);
                session.commit();
                return;
            } catch (JMSException e) {
                // Artemis rolls back a whole transaction that holds one duplicate, which is what a
                // re-send after a crash looks like. Sent one by one, the duplicates are dropped alone.
                LOG.fine(() -> "batch of " + events.size() + " rolled back (" + e + "), sending one by one");
            }
            try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                send(session, events);
            }
        } catch (JMSException | JMSRuntimeException e) {
            throw new EventPublishingException("broker did not accept " + events.size() + " event(s): " + e, e);
        }
    }

    private static void send(Session session, List<EventEnvelope> events) throws JMSException {
        try (MessageProducer producer = session.createProducer(null)) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Map<String, Topic> addresses = new HashMap<>();
            for (EventEnvelope event : events) {
                Topic address = addresses.get(event.aggregateType());
                if (address == null) {
                    address = session.createTopic(event.aggregateType() + ".events");
                    addresses.put(event.aggregateType(), address);
                }
                TextMessage message = session.createTextMessage(event.toJson().toString());
                message.setStringProperty(DUPLICATE_ID, event.eventId().toString());
                message.setStringProperty(GROUP_ID, event.aggregateId().toString());
                message.setStringProperty("event_type", event.type());
                producer.send(address, message);
            }
        }
    }
}
