package dev.cqrs.orders.readmodel;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Product events, for every projection that reads them (the queue keeps its first name). */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "product.events::order_views.products"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        // Concurrent sessions; each holds a read_db connection while it projects (pool: 24).
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2"),
})
public class ProductEventsListener extends ProjectionListener {
}
