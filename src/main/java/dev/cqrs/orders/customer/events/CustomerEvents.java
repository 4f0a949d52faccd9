package dev.cqrs.orders.customer.events;

/** Where customer events live: their aggregate type in the event store and their Artemis address. */
public final class CustomerEvents {

    public static final String AGGREGATE_TYPE = "customer";
    public static final String ADDRESS = "customer.events";

    private CustomerEvents() {
    }
}
