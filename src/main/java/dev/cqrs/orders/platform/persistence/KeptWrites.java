package dev.cqrs.orders.platform.persistence;

import dev.cqrs.orders.platform.problem.ConflictException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A command's inserts on write_db, kept until its answer is known and then sent together: one
 * round trip for the new row, the events with their outbox entries and the audit row, where each
 * was its own before (issue 17: a POST /orders took six round trips on the request thread, most
 * of them such inserts). {@code CommandGateway} keeps them from the start of its unit of work
 * ({@link #keepFromHereOn}) and {@link #flush}es them once it has the answer, still inside the
 * transaction, so they commit with everything else in it or not at all. Outside such a unit (no
 * gateway, or no transaction) a write runs at once, as before.
 *
 * <p>Only writes that no later statement of the unit reads may be kept: the unit's reads (the
 * aggregate, the references, the idempotency key) run at once on the same connection and would
 * not see them.
 */
@ApplicationScoped
public class KeptWrites {

    private static final Object KEY = new Object();

    /**
     * One statement and its parameters; {@code what} names it in an error. {@code conflict}, when
     * not null, is the problem's detail for a concurrent change: a unique violation among writes
     * sent together is taken for that of the first write that says one (the events' keys, the only
     * unique keys a command's kept inserts can meet: its other rows get new ids).
     */
    public record Write(String what, String sql, String conflict, Object... parameters) {
    }

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    CommandConnection connection;

    /** Keeps the writes of the current transaction from now until {@link #flush}. */
    public void keepFromHereOn() {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            throw new IllegalStateException("writes are kept only inside a transaction");
        }
        transactions.putResource(KEY, new ArrayList<Write>());
    }

    /** Keeps {@code write} for the flush if the transaction keeps its writes; otherwise runs it now. */
    public void write(Write write) {
        List<Write> kept = kept();
        if (kept != null) {
            kept.add(write);
        } else {
            run(List.of(write));
        }
    }

    /** Sends the kept writes, in the order they were kept, in one round trip; later writes run at once. */
    public void flush() {
        List<Write> kept = kept();
        if (kept == null) {
            return;
        }
        transactions.putResource(KEY, null);
        if (!kept.isEmpty()) {
            run(kept);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Write> kept() {
        return transactions.getTransactionStatus() == Status.STATUS_ACTIVE
                ? (List<Write>) transactions.getResource(KEY) : null;
    }

    /**
     * The statements as one: PostgreSQL's driver sends the parts of a statement text that holds
     * several, each with its parameters, and waits once for all their answers. A part that fails
     * fails the whole (and the transaction, which then rolls back).
     */
    private void run(List<Write> writes) {
        StringBuilder sql = new StringBuilder();
        for (Write write : writes) {
            sql.append(sql.length() == 0 ? "" : ";\n").append(write.sql());
        }
        try {
            connection.use(c -> {
                try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
                    int index = 0;
                    for (Write write : writes) {
                        for (Object parameter : write.parameters()) {
                            Jdbc.bindOne(statement, ++index, parameter);
                        }
                    }
                    return statement.execute();
                }
            });
        } catch (SQLException e) {
            if (SqlStates.isUniqueViolation(e)) {
                for (Write write : writes) {
                    if (write.conflict() != null) {
                        throw new ConflictException(write.conflict());
                    }
                }
            }
            throw new IllegalStateException("writing " + writes.stream().map(Write::what).collect(Collectors.joining(", "))
                    + " failed", e);
        }
    }
}
