package dev.cqrs.orders.customer.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.customer.events.CustomerEmailChangedEvent;
import dev.cqrs.orders.customer.events.CustomerRegisteredEvent;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Given a customer's events, when the e-mail changes, expect the event and the next version. */
class CustomerTest {

    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-0000000000c1");

    @Test
    void anEmailChangeIsOneEventAndOneVersion() {
        Customer customer = Customer.fromHistory(new CustomerRegisteredEvent(ID, "ann@example.com"),
                List.of(new CustomerEmailChangedEvent(ID, "ann@work.example")));
        assertEquals(2, customer.version());
        assertEquals(new CustomerEmailChangedEvent(ID, "ann@home.example"), customer.changeEmail("ann@home.example"));
        assertEquals("ann@home.example", customer.email());
        assertEquals(3, customer.version());
    }
}
