package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.messaging.EventMessages;
import dev.cqrs.orders.platform.schema.SchemaMigrations;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Order events for {@code order_views}. Thin: decode and delegate. No JTA transaction around the
 * delivery (so no XA): the projection commits its own, and an exception makes Artemis deliver
 * the message again, which the projection recognizes if it was applied already.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "order.events::order_views.orders"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "artemis-ra"),
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class OrderEventsListener implements MessageListener {

    @EJB
    SchemaMigrations schema;

    @Inject
    OrderViewProjection projection;

    @Override
    public void onMessage(Message message) {
        schema.ensureMigrated();
        projection.on(EventMessages.decode(message));
    }
}
