package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.messaging.EventMessages;
import dev.cqrs.orders.platform.schema.SchemaMigrations;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * What the message-driven beans that feed {@code order_views} share: decode and delegate. The
 * subclasses only say which queue they read. No JTA transaction around a delivery (so no XA): the
 * projection commits its own. An event that fails is parked and retried by the application
 * ({@link ProjectionIntake}); only an unreachable read_db makes Artemis deliver the message again,
 * which the projection recognizes if it was applied already.
 */
abstract class OrderViewsListener implements MessageListener {

    @EJB
    SchemaMigrations schema;

    @Inject
    ProjectionIntake intake;

    @Override
    public void onMessage(Message message) {
        schema.ensureMigrated();
        EventEnvelope event = EventMessages.decode(message);
        intake.deliver(event);
    }
}
