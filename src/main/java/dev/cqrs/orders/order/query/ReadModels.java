package dev.cqrs.orders.order.query;

import dev.cqrs.orders.catalog.events.ProductEvents;
import dev.cqrs.orders.catalog.query.ProductViewProjection;
import dev.cqrs.orders.customer.events.CustomerEvents;
import dev.cqrs.orders.customer.query.UserViewProjection;
import dev.cqrs.orders.order.events.OrderEvents;
import dev.cqrs.orders.platform.events.EventEnvelope;
import dev.cqrs.orders.platform.faults.SafetySwitches;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.projection.query.ProjectionRebuilds;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Applies one event to every read model that shows it, in one local read_db transaction (not JTA:
 * see {@link Jdbc#inTransaction}): all of them change, or none does. Every event passes the same gate first, under a per-aggregate lock:
 * <ul>
 *   <li>an aggregate with a parked event (retrying or dead, see {@link ParkedEvents}) takes no
 *       event past it: the new one waits behind it;</li>
 *   <li>an order event at or below the version of its view is a duplicate and is ignored; one past
 *       the next version is a gap and waits (the missing event is on its way), parked as
 *       {@code waiting} and applied right after its predecessor.</li>
 * </ul>
 * Product and customer events carry their aggregate's whole state and are applied newest-wins by
 * their projections, so for them a gap is harmless and a duplicate changes nothing.
 */
@ApplicationScoped
public class ReadModels {

    private static final Logger LOG = Logger.getLogger(ReadModels.class.getName());

    /** What became of an event. */
    public enum Outcome {
        APPLIED, DUPLICATE, WAITING,
        /** Applied, and events of its aggregate wait in the parked store: {@link #applyNextParked} them. */
        APPLIED_WITH_WAITING
    }

    /** What {@link #applyNextParked} did with an aggregate's first parked event. */
    public enum Step { APPLIED, SKIPPED, NOTHING_LEFT, NOT_DUE, DEAD, GAP }

    // One transaction per aggregate at a time, whoever applies its events (a delivery, the retry
    // job, an admin's replay). Transaction-scoped: released by the commit or rollback.
    // Shared: a rebuild's swap takes it exclusive (ProjectionRebuilds), pausing every projection.
    private static final String LOCK = "SELECT " + ProjectionRebuilds.SHARED_LOCK + ", pg_advisory_xact_lock(?)";

    private static final String GATE = """
            SELECT (SELECT version FROM order_views WHERE order_id = ?),
                   EXISTS (SELECT 1 FROM parked_events WHERE aggregate_id = ? AND state <> 'waiting'),
                   EXISTS (SELECT 1 FROM parked_events WHERE aggregate_id = ? AND state = 'waiting')""";

    private static final String ORDER_VERSION = "SELECT version FROM order_views WHERE order_id = ?";

    // Plain JDBC in the projection's JTA transaction (the statements are all hand-written SQL).
    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    OrderViewProjection orderViews;

    @Inject
    ProductViewProjection productViews;

    @Inject
    UserViewProjection userViews;

    @Inject
    ParkedEvents parked;

    @Inject
    SafetySwitches safety;

    /** An event as it comes from the broker: applied, ignored or parked to wait. */
    public Outcome receive(EventEnvelope event) {
        try {
            return Jdbc.inTransaction(readDb, connection -> receive(connection, event));
        } catch (SQLException e) {
            // Rolled back; nothing was applied.
            throw new IllegalStateException("projecting " + event.type() + " " + event.eventId() + " failed: " + e, e);
        }
    }

    private Outcome receive(Connection connection, EventEnvelope event) throws SQLException {
        lock(connection, event.aggregateId());
        Object[] gate = Jdbc.query(connection, GATE, event.aggregateId(), event.aggregateId(), event.aggregateId())
                .get(0);
        boolean blocked = (Boolean) gate[1];
        boolean waiting = (Boolean) gate[2];
        if (blocked && safety.ordering()) {
            parked.addWaiting(connection, event, "behind an earlier event of its aggregate that failed");
            return Outcome.WAITING;
        }
        if (inSequence(event)) {
            int applied = gate[0] == null ? 0 : ((Number) gate[0]).intValue();
            if (event.sequence() <= applied && safety.dedupe()) {
                LOG.fine(() -> duplicate(event, applied));
                return Outcome.DUPLICATE;
            }
            if (event.sequence() > applied + 1 && safety.ordering()) {
                parked.addWaiting(connection, event, "waiting for event #" + (applied + 1) + " of its aggregate");
                return Outcome.WAITING;
            }
        }
        applyToViews(connection, event);
        return waiting ? Outcome.APPLIED_WITH_WAITING : Outcome.APPLIED;
    }

    /**
     * Applies the first parked event of an aggregate, if it is its turn: the next in sequence, and
     * (unless {@code includeDead}) not dead and due. A failure is thrown as a
     * {@link ProjectionFailure} naming the event, after the rollback.
     */
    public Step applyNextParked(UUID aggregateId, boolean includeDead) {
        EventEnvelope[] event = new EventEnvelope[1];
        try {
            return Jdbc.inTransaction(readDb, connection -> applyNextParked(connection, aggregateId, includeDead, event));
        } catch (SQLException | RuntimeException e) {
            if (event[0] == null) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("reading parked events failed: " + e, e);
            }
            throw new ProjectionFailure(event[0], e);
        }
    }

    private Step applyNextParked(Connection connection, UUID aggregateId, boolean includeDead, EventEnvelope[] taken)
            throws SQLException {
        lock(connection, aggregateId);
        List<ParkedEvents.Entry> first = parked.first(connection, aggregateId);
        if (first.isEmpty()) {
            return Step.NOTHING_LEFT;
        }
        ParkedEvents.Entry entry = first.get(0);
        EventEnvelope event = entry.event();
        taken[0] = event;
        if (!includeDead && entry.state().equals(ParkedEvents.DEAD)) {
            return Step.DEAD;
        }
        if (!includeDead && entry.state().equals(ParkedEvents.RETRYING) && !entry.due()) {
            return Step.NOT_DUE;
        }
        if (inSequence(event)) {
            List<Object[]> view = Jdbc.query(connection, ORDER_VERSION, aggregateId);
            int applied = view.isEmpty() ? 0 : ((Number) view.get(0)[0]).intValue();
            if (event.sequence() <= applied && safety.dedupe()) {
                parked.remove(connection, event.eventId());
                return Step.SKIPPED;
            }
            if (event.sequence() > applied + 1 && safety.ordering()) {
                return Step.GAP;
            }
        }
        applyToViews(connection, event);
        parked.remove(connection, event.eventId());
        return Step.APPLIED;
    }

    private static boolean inSequence(EventEnvelope event) {
        return event.aggregateType().equals(OrderEvents.AGGREGATE_TYPE);
    }

    private void applyToViews(Connection connection, EventEnvelope event) throws SQLException {
        switch (event.aggregateType()) {
            case OrderEvents.AGGREGATE_TYPE -> orderViews.onOrderEvent(connection, event);
            case ProductEvents.AGGREGATE_TYPE -> {
                productViews.apply(connection, event);
                orderViews.onProductEvent(connection, event);
            }
            case CustomerEvents.AGGREGATE_TYPE -> {
                userViews.apply(connection, event);
                orderViews.onCustomerEvent(connection, event);
            }
            default -> LOG.fine(() -> "no read model shows " + event.aggregateType() + " events");
        }
    }

    static void lock(Connection connection, UUID aggregateId) throws SQLException {
        Jdbc.query(connection, LOCK, aggregateId.getMostSignificantBits() ^ aggregateId.getLeastSignificantBits());
    }

    private static String duplicate(EventEnvelope event, int applied) {
        return event.type() + " #" + event.sequence() + " of " + event.aggregateId() + " was applied already (view at "
                + applied + ")";
    }
}
