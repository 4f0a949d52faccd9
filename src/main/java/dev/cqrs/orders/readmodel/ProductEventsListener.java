package dev.cqrs.orders.readmodel;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Product events for {@code order_views}: the names shown in the views. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "product.events::order_views.products"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        // Concurrent sessions; each holds a read_db connection while it projects (pool: 24).
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2"),
})
public class ProductEventsListener extends OrderViewsListener {
}
