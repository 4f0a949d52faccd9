package dev.cqrs.orders.eventstore;

/** The broker did not accept a batch of events; they stay in the outbox and are sent again later. */
public class EventPublishingException extends Exception {

    public EventPublishingException(String message, Throwable cause) {
        super(message, cause);
    }
}
