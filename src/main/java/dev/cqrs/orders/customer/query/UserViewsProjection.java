package dev.cqrs.orders.customer.query;

import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.readmodel.Projection;
import dev.cqrs.orders.readmodel.ViewTable;
import dev.cqrs.orders.readmodel.Views;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * {@code user_views}. Both customer events carry the whole state (the e-mail), so they apply in
 * any order: the newest version wins ({@link UserView#after}).
 */
@ApplicationScoped
@Priority(30)
public class UserViewsProjection implements Projection {

    @Override
    public String name() {
        return UserView.TABLE.name();
    }

    @Override
    public List<String> aggregateTypes() {
        return List.of(CustomerEvents.AGGREGATE_TYPE);
    }

    @Override
    public List<ViewTable<?>> tables() {
        return List.of(UserView.TABLE);
    }

    @Override
    public Map<String, ViewTable<?>> versions() {
        return Map.of(CustomerEvents.AGGREGATE_TYPE, UserView.TABLE);
    }

    @Override
    public void apply(EventEnvelope event, Views views) throws SQLException {
        String email = switch (event.type()) {
            case CustomerRegisteredEvent.TYPE -> CustomerRegisteredEvent.fromJson(event.data()).email();
            case CustomerEmailChangedEvent.TYPE -> CustomerEmailChangedEvent.fromJson(event.data()).email();
            default -> null; // a customer event this version does not show
        };
        if (email != null) {
            views.of(UserView.TABLE).merge(event.aggregateId(),
                    new UserView(event.aggregateId(), email, event.sequence(), event.occurredAt(), event.occurredAt()),
                    view -> view.after(event.sequence(), email, event.occurredAt()));
        }
    }
}
