package dev.cqrs.orders.eventstore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Every {@link Upcaster} of the application, applied in a chain: an event is handed to the
 * upcaster that reads its type and schema version, and again with the result, until none does.
 * Events at their current version (all of them, so far) pass through untouched, at the cost of one
 * look over the list.
 */
@ApplicationScoped
public class Upcasters {

    private final List<Upcaster> upcasters = new ArrayList<>();

    protected Upcasters() {
        // For CDI's proxy.
    }

    @Inject
    public Upcasters(@Any Instance<Upcaster> all) {
        all.forEach(upcasters::add);
    }

    /** For code and tests outside CDI. */
    public Upcasters(List<Upcaster> upcasters) {
        this.upcasters.addAll(upcasters);
    }

    public EventEnvelope upcast(EventEnvelope event) {
        EventEnvelope current = event;
        for (boolean changed = true; changed; ) {
            changed = false;
            for (Upcaster upcaster : upcasters) {
                if (upcaster.upcasts(current.type(), current.schemaVersion())) {
                    EventEnvelope next = upcaster.upcast(current);
                    if (next.schemaVersion() <= current.schemaVersion()) {
                        throw new IllegalStateException(upcaster.getClass().getName() + " left " + current.type()
                                + " at schema version " + current.schemaVersion() + ": an upcaster must raise it");
                    }
                    current = next;
                    changed = true;
                    break;
                }
            }
        }
        return current;
    }
}
