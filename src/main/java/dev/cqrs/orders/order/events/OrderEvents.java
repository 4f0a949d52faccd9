package dev.cqrs.orders.order.events;

/** Where order events live: their aggregate type in the event store and their Artemis address. */
public final class OrderEvents {

    public static final String AGGREGATE_TYPE = "order";
    public static final String ADDRESS = "order.events";

    private OrderEvents() {
    }
}
