package dev.cqrs.orders.eventstore;

/**
 * Turns a stored event of an older {@code schema_version} into the next version, so that events
 * written by earlier releases stay readable: implement it as a CDI bean for each change of an
 * event's shape, and every reader of the event store and of the broker ({@link Upcasters}) applies
 * it before anyone sees the event. An upcaster answers a new envelope (same id, sequence and
 * metadata; a higher {@code schema_version}, the reshaped {@code data}) and never changes the store.
 */
public interface Upcaster {

    /** Whether this upcaster reads events of {@code type} at {@code schemaVersion}. */
    boolean upcasts(String type, int schemaVersion);

    /** The event one (or more) schema versions later: its {@code schema_version} must be higher. */
    EventEnvelope upcast(EventEnvelope event);
}
