package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.UUID;

/** Loading the aggregate a command changes. */
public final class Aggregates {

    private Aggregates() {
    }

    /**
     * The aggregate's write entity, its row locked until the transaction ends, so that concurrent
     * commands on one aggregate take turns; 404 when there is none.
     */
    public static <T> T lockForChange(EntityManager em, Class<T> type, UUID id, String what) {
        T aggregate = em.find(type, id, LockModeType.PESSIMISTIC_WRITE);
        if (aggregate == null) {
            throw new AggregateNotFoundException(what, id);
        }
        return aggregate;
    }
}
