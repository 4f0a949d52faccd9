package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.CommandConnection;
import dev.cqrs.orders.platform.persistence.KeptWrites;
import dev.cqrs.orders.platform.problem.IdempotencyKeyReusedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kept answers of {@link CommandGateway}'s idempotency keys, in write_db, in the command's own transaction. */
@ApplicationScoped
public class IdempotencyStore {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    // Waits, on the primary key, for a concurrent first use of the key to commit or roll back.
    private static final String CLAIM = """
            INSERT INTO idempotency_keys (principal, idempotency_key, request_hash, status, body)
            VALUES (?, ?, ?, 0, '') ON CONFLICT DO NOTHING""";

    private static final String FIRST_ANSWER = """
            SELECT request_hash, status, location, body FROM idempotency_keys
            WHERE principal = ? AND idempotency_key = ?""";

    private static final String KEEP_ANSWER = """
            UPDATE idempotency_keys SET status = ?, location = ?, body = ?
            WHERE principal = ? AND idempotency_key = ?""";

    @Inject
    CommandConnection commandConnection;

    @Inject
    CommandMetadata metadata;

    @Inject
    KeptWrites writes;

    /**
     * Claims {@code key} for the command about to run, in the caller's (the command's) transaction;
     * or, if an earlier request with the same key has its answer kept, that answer again. A
     * concurrent first use of the key is waited for (its commit or rollback) on the primary key.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Response> claimOrReplay(String key, byte[] requestHash) {
        String principal = metadata.principal();
        try {
            return commandConnection.use(connection -> claimOrReplay(connection, principal, key, requestHash));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the idempotency key failed", e);
        }
    }

    private static Optional<Response> claimOrReplay(Connection connection, String principal, String key, byte[] requestHash)
            throws SQLException {
        while (Jdbc.update(connection, CLAIM, principal, key, requestHash) == 0) {
            List<Object[]> rows = Jdbc.query(connection, FIRST_ANSWER, principal, key);
            if (rows.isEmpty()) {
                continue; // expired between the two statements: claim it again
            }
            Object[] first = rows.get(0);
            if (!Arrays.equals((byte[]) first[0], requestHash)) {
                throw new IdempotencyKeyReusedException();
            }
            String body = (String) first[3];
            Response.ResponseBuilder replay = Response.status(((Number) first[1]).intValue())
                    .type(MediaType.APPLICATION_JSON_TYPE).entity(body).header(REPLAYED_HEADER, "true");
            JsonObject json = JsonSupport.parseObject(body);
            if (json.containsKey("version")) {
                replay.tag(new EntityTag(Integer.toString(json.getInt("version"))));
            }
            if (first[2] != null) {
                replay.location(URI.create((String) first[2]));
            }
            return Optional.of(replay.build());
        }
        return Optional.empty();
    }

    /** Keeps the answer of the command that claimed {@code key}, in its transaction (with its other writes). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void keep(String key, Response answer) {
        writes.write(new KeptWrites.Write("the idempotent answer", KEEP_ANSWER, null, answer.getStatus(),
                answer.getLocation() == null ? null : answer.getLocation().toString(),
                String.valueOf(answer.getEntity()), metadata.principal(), key));
    }
}
