package dev.cqrs.orders.eventstore;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
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
 * Re-publication through the outbox: the events go back into it with a fresh duplicate id (the
 * broker has seen their own), and the relay sends them in sequence like any other. An event still
 * in the outbox is left as it is: it has not been sent yet.
 */
@ApplicationScoped
public class OutboxRepublisher {

    private static final Logger LOG = Logger.getLogger(OutboxRepublisher.class.getName());

    private static final String REQUEUE = """
            INSERT INTO outbox (aggregate_id, sequence, aggregate_type, resend_id)
            SELECT aggregate_id, sequence, aggregate_type, gen_random_uuid()
            FROM events WHERE aggregate_id = ? AND sequence BETWEEN ? AND ?
            ON CONFLICT (aggregate_id, sequence) DO NOTHING""";

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Inject
    OutboxRelay relay;

    /** Queues events {@code from}..{@code to} of the aggregate to be published again; answers how many. */
    public int republish(UUID aggregateId, int from, int to) {
        try (Connection connection = writeDb.getConnection()) {
            int queued = Jdbc.update(connection, REQUEUE, aggregateId, from, to);
            if (queued > 0) {
                LOG.warning("re-publishing events #" + from + "-#" + to + " of " + aggregateId
                        + ": the read side waited for them too long (" + queued + " queued)");
                relay.relaySoon(List.of(aggregateId));
            }
            return queued;
        } catch (SQLException e) {
            throw new IllegalStateException("re-publishing events of " + aggregateId + " failed", e);
        }
    }
}
