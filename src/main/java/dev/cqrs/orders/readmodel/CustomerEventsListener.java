package dev.cqrs.orders.readmodel;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Customer events, for every projection that reads them (the queue keeps its first name). */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "customer.events::order_views.customers"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        // Concurrent sessions; each holds a read_db connection while it projects (pool: 24).
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2"),
})
public class CustomerEventsListener extends ProjectionListener {
}
