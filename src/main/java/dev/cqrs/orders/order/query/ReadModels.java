package dev.cqrs.orders.order.query;

import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.catalog.query.ProductViewProjection;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.query.UserViewProjection;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.platform.events.EventEnvelope;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Applies one event to every read model that shows it, in one read_db transaction: all of them
 * change, or none does and the message comes again.
 */
@ApplicationScoped
public class ReadModels {

    private static final Logger LOG = Logger.getLogger(ReadModels.class.getName());

    // Plain JDBC in the projection's JTA transaction (the statements are all hand-written SQL).
    @Resource(lookup = "jdbc/cqrs-read")
    DataSource readDb;

    @Inject
    OrderViewProjection orderViews;

    @Inject
    ProductViewProjection productViews;

    @Inject
    UserViewProjection userViews;

    @Transactional
    public void apply(EventEnvelope event) {
        try (Connection connection = readDb.getConnection()) {
            switch (event.aggregateType()) {
                case OrderEvents.AGGREGATE_TYPE -> orderViews.onOrderEvent(connection, event);
                case ProductEvents.AGGREGATE_TYPE -> {
                    productViews.apply(connection, event);
                    orderViews.onProductEvent(connection, event);
                }
                case CustomerEvents.AGGREGATE_TYPE -> {
                    userViews.apply(connection, event);
                    orderViews.onCustomerEvent(connection, event);
                }
                default -> LOG.fine(() -> "no read model shows " + event.aggregateType() + " events");
            }
        } catch (SQLException e) {
            // Rolled back and delivered again; nothing was applied.
            throw new IllegalStateException("projecting " + event.type() + " " + event.eventId() + " failed", e);
        }
    }
}
