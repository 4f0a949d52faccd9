package dev.cqrs.orders.readmodel;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Order events, for every projection that reads them (the queue keeps its first name). */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "order.events::order_views.orders"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        // Concurrent sessions; each holds a read_db connection while it projects (pool: 24).
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "8"),
})
public class OrderEventsListener extends ProjectionListener {
}
