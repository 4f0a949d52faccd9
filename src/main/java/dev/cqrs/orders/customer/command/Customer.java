package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** A customer ("user" in the API), as the write side keeps it. Its version is its event sequence. */
@Entity
@Table(name = "customers")
public class Customer {

    public static final int MAX_EMAIL_LENGTH = 254;
    // Deliberately plain: local@domain.tld, no spaces, none of the characters RFC 5322 allows only
    // quoted (so never markup or a statement separator). Deliverability is not ours to judge.
    private static final String LOCAL = "[^@\\s<>()\\[\\]\\\\,;:\"]+";
    private static final String LABEL = "[^@\\s<>()\\[\\]\\\\,;:\".]+";
    private static final Pattern EMAIL = Pattern.compile(LOCAL + "@" + LABEL + "(\\." + LABEL + ")+");

    @Id
    @Column(name = "user_id")
    private UUID id;

    private String email;

    // The event sequence; concurrent commands on one customer are serialized by the handler's row lock.
    private int version;

    protected Customer() {
    }

    private Customer(UUID id, String email) {
        this.id = id;
        this.email = email;
        this.version = 1;
    }

    public static Customer register(UUID id, String email) {
        return new Customer(id, email);
    }

    public CustomerEmailChangedEvent changeEmail(String newEmail) {
        CustomerEmailChangedEvent event = new CustomerEmailChangedEvent(id, newEmail);
        apply(event);
        return event;
    }

    /** The customer as its events make it. */
    public static Customer fromHistory(CustomerRegisteredEvent registered, List<CustomerEmailChangedEvent> changes) {
        Customer customer = register(registered.userId(), registered.email());
        changes.forEach(customer::apply);
        return customer;
    }

    private void apply(CustomerEmailChangedEvent changed) {
        email = changed.email();
        version++;
    }

    public static boolean isWellFormedEmail(String email) {
        return EMAIL.matcher(email).matches();
    }

    public UUID id() {
        return id;
    }

    public String email() {
        return email;
    }

    public int version() {
        return version;
    }
}
