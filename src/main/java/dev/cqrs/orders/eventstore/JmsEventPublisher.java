package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.PreDestroy;
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
import java.util.UUID;
import java.util.logging.Level;
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
 * <p>Called by the relay thread only: the connection and its sessions stay open between batches,
 * and are dropped at the first failure, to be opened again by the next batch. The relay runs
 * outside JTA; the connection factory allows local transactions for it. The classic API is used
 * because the resource adapter refuses {@code JMSContext.SESSION_TRANSACTED} outside JTA.
 */
@ApplicationScoped
public class JmsEventPublisher implements EventPublisher {

    private static final Logger LOG = Logger.getLogger(JmsEventPublisher.class.getName());

    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    static final String GROUP_ID = "JMSXGroupID";

    @Resource(lookup = Resources.BROKER)
    ConnectionFactory connectionFactory;

    private Connection connection;
    private Session transacted;
    private MessageProducer producer;
    private final Map<String, Topic> addresses = new HashMap<>();

    @Override
    public void publish(List<EventEnvelope> events, Map<UUID, UUID> resendIds) throws EventPublishingException {
        try {
            open();
            send(transacted, producer, events, resendIds);
            transacted.commit();
            return;
        } catch (JMSException | JMSRuntimeException e) {
            close();
            LOG.fine(() -> "batch of " + events.size() + " failed (" + e + "), sending one by one");
        }
        // Either the broker is unreachable, or the batch held a duplicate: Artemis may roll back a
        // whole transaction with one duplicate in it, which is what a re-send after a crash or a
        // timed-out commit looks like. Sent one by one, each duplicate is dropped alone. A fresh
        // connection, because the resource adapter allows one session per connection.
        try (Connection single = connectionFactory.createConnection();
             Session session = single.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer oneByOne = session.createProducer(null)) {
            oneByOne.setDeliveryMode(DeliveryMode.PERSISTENT);
            send(session, oneByOne, events, resendIds);
        } catch (JMSException | JMSRuntimeException e) {
            throw new EventPublishingException("broker did not accept " + events.size() + " event(s): " + e, e);
        }
    }

    @Override
    @PreDestroy
    public void close() {
        // Producer, session, then connection: a pooled connection must go back without a session
        // still open on it, or the next one handed out refuses a new session.
        for (AutoCloseable resource : new AutoCloseable[] {producer, transacted, connection}) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.log(Level.FINE, "closing a broker resource failed", e);
                }
            }
        }
        connection = null;
        transacted = null;
        producer = null;
        addresses.clear();
    }

    private void open() throws JMSException {
        if (connection == null) {
            connection = connectionFactory.createConnection();
            transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = transacted.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        }
    }

    private void send(Session session, MessageProducer sender, List<EventEnvelope> events, Map<UUID, UUID> resendIds)
            throws JMSException {
        for (EventEnvelope event : events) {
            Topic address = addresses.get(event.aggregateType());
            if (address == null) {
                address = session.createTopic(event.aggregateType() + ".events");
                addresses.put(event.aggregateType(), address);
            }
            TextMessage message = session.createTextMessage(event.toJson().toString());
            identify(message, event, resendIds);
            message.setStringProperty(GROUP_ID, event.aggregateId().toString());
            message.setStringProperty("event_type", event.type());
            sender.send(address, message);
        }
    }

    /**
     * The message's duplicate id: the event's id, or the one a re-publication asked for. (Protected
     * for the fault suite's mutant that sends none, in the test WAR only.)
     */
    protected void identify(TextMessage message, EventEnvelope event, Map<UUID, UUID> resendIds) throws JMSException {
        message.setStringProperty(DUPLICATE_ID, resendIds.getOrDefault(event.eventId(), event.eventId()).toString());
    }
}
