package dev.cqrs.orders.catalog.events;

/** Where product events live: their aggregate type in the event store and their Artemis address. */
public final class ProductEvents {

    public static final String AGGREGATE_TYPE = "product";
    public static final String ADDRESS = "product.events";

    private ProductEvents() {
    }
}
