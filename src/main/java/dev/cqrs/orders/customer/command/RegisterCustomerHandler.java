package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import dev.cqrs.orders.eventstore.EventStore;
import dev.cqrs.orders.platform.command.Aggregates;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.platform.command.ExpectedVersion;
import dev.cqrs.orders.eventstore.PendingEvent;
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

    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult handle(RegisterCustomerCommand command) {
        if (isTaken(command.email(), null)) {
            throw emailTaken();
        }
        CustomerRegisteredEvent event = new CustomerRegisteredEvent(UUID.randomUUID(), command.email());
        Customer customer = Customer.register(event.userId(), event.email());
        em.persist(customer);
        flushUniqueEmail();
        eventStore.append(CustomerEvents.AGGREGATE_TYPE, customer.id(), 0, Instant.now(),
                List.of(PendingEvent.of(CustomerRegisteredEvent.TYPE, event.toJson())));
        return new CommandResult(customer.id(), customer.version());
    }

    /** Changes a customer's e-mail; the customer's row is locked, so concurrent changes take turns. */
    // Runs in the unit of work CommandGateway began.
    @Transactional(Transactional.TxType.MANDATORY)
    public CommandResult changeEmail(UUID userId, ExpectedVersion expected, ChangeEmailCommand command) {
        Customer customer = Aggregates.lockForChange(em, Customer.class, userId, "user");
        int before = customer.version();
        expected.check("user", userId, before);
        if (isTaken(command.email(), userId)) {
            throw emailTaken();
        }
        CustomerEmailChangedEvent event = customer.changeEmail(command.email());
        flushUniqueEmail();
        eventStore.append(CustomerEvents.AGGREGATE_TYPE, userId, before, Instant.now(),
                List.of(PendingEvent.of(CustomerEmailChangedEvent.TYPE, event.toJson())));
        return new CommandResult(userId, customer.version());
    }

    /** Whether another customer than {@code self} has this address, whatever its case. */
    private boolean isTaken(String email, UUID self) {
        return em.createNativeQuery("SELECT user_id FROM customers WHERE lower(email) = lower(?1)")
                .setParameter(1, email).getResultList().stream().anyMatch(id -> !id.equals(self));
    }

    /** The unique index on lower(email) decides between two concurrent claims of one address. */
    private void flushUniqueEmail() {
        try {
            em.flush();
        } catch (PersistenceException e) {
            if (SqlStates.isUniqueViolation(e)) {
                throw emailTaken();
            }
            throw e;
        }
    }

    private static ConflictException emailTaken() {
        return new ConflictException("a customer with this e-mail address already exists",
                List.of(new FieldError("email", "is already registered")));
    }
}
