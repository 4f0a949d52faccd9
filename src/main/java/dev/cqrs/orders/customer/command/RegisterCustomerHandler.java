package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.eventstore.EventStore;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.platform.events.PendingEvent;
import dev.cqrs.orders.platform.persistence.SqlStates;
import dev.cqrs.orders.platform.problem.ConflictException;
import dev.cqrs.orders.platform.problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class RegisterCustomerHandler {

    @PersistenceContext(unitName = "write")
    EntityManager em;

    @Inject
    EventStore eventStore;

    @Transactional
    public CommandResult handle(RegisterCustomerCommand command) {
        if (isRegistered(command.email())) {
            throw emailTaken();
        }
        Customer customer = Customer.register(UUID.randomUUID(), command.email());
        em.persist(customer);
        try {
            // The unique index on lower(email) decides between two concurrent registrations.
            em.flush();
        } catch (PersistenceException e) {
            if (SqlStates.isUniqueViolation(e)) {
                throw emailTaken();
            }
            throw e;
        }
        CustomerRegisteredEvent event = new CustomerRegisteredEvent(customer.id(), customer.email());
        eventStore.append(CustomerEvents.AGGREGATE_TYPE, customer.id(), 0, Instant.now(),
                List.of(PendingEvent.of(CustomerRegisteredEvent.TYPE, event.toJson())));
        return new CommandResult(customer.id(), customer.version());
    }

    private boolean isRegistered(String email) {
        return !em.createNativeQuery("SELECT 1 FROM customers WHERE lower(email) = lower(?1)")
                .setParameter(1, email).setMaxResults(1).getResultList().isEmpty();
    }

    private static ConflictException emailTaken() {
        return new ConflictException("a customer with this e-mail address already exists",
                List.of(new FieldError("email", "is already registered")));
    }
}
