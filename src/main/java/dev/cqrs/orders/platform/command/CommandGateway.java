package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.consistency.ConsistencyTokens;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.KeptWrites;
import dev.cqrs.orders.platform.security.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where every command's unit of work starts, the same for all of them: one write_db transaction
 * holding, in this order,
 * <ol>
 *   <li>the {@code Idempotency-Key}, if the request has one: claimed for this command, or the
 *       answer a first request with the same key and the same request got, which ends the unit
 *       with nothing run ({@link IdempotencyStore}; the same key with another request is a 422);</li>
 *   <li>the handler: it loads the aggregate, decides, and appends the events (which are also
 *       the outbox);</li>
 *   <li>the answer, kept with the key;</li>
 *   <li>the command's audit row, with the aggregate and the status the client gets.</li>
 * </ol>
 * All of it commits or none does. The inserts and the answer's update are kept until the answer is
 * known and then sent in one round trip ({@link KeptWrites}); the reads run at once. Handlers
 * require this transaction ({@code MANDATORY}); refusals and failures are audited by
 * {@code CommandAuditFilter}, after the rollback, in a transaction of their own.
 */
@ApplicationScoped
public class CommandGateway {

    @Inject
    IdempotencyStore idempotency;

    @Inject
    AuditLog audit;

    @Inject
    CommandMetadata metadata;

    @Inject
    KeptWrites writes;

    @Inject
    ConsistencyTokens tokens;

    /** The request as the gateway needs it: its key (or null), and what the key's fingerprint covers. */
    public record Request(String idempotencyKey, String method, String path, byte[] body) {

        /** {@code body} null: a command without one (the fingerprint is the method and the path). */
        public static Request of(String idempotencyKey, String method, UriInfo uriInfo, byte[] body) {
            if (idempotencyKey != null) {
                Idempotency.requireValid(idempotencyKey);
            }
            return new Request(idempotencyKey, method, RequestPath.of(uriInfo), body);
        }
    }

    @Transactional
    public Response execute(Request request, Supplier<CommandResult> handler, Function<CommandResult, Response> answer) {
        String key = request.idempotencyKey();
        if (key != null) {
            Optional<Response> replay = idempotency.claimOrReplay(key,
                    Idempotency.fingerprint(request.method(), request.path(), request.body()));
            if (replay.isPresent()) {
                return withToken(replay.get());
            }
        }
        writes.keepFromHereOn();
        CommandResult result = handler.get();
        Response response = Response.fromResponse(answer.apply(result))
                .header(ConsistencyTokens.HEADER, tokens.issue(result.aggregateId(), result.version())).build();
        if (key != null) {
            idempotency.keep(key, response);
        }
        Optional<KeptWrites.Write> auditRow = audit.commandRow(metadata, result.aggregateId().toString(),
                response.getStatus());
        auditRow.ifPresent(writes::write);
        writes.flush();
        if (auditRow.isPresent()) {
            metadata.audited(response.getStatus());
        }
        return response;
    }

    /**
     * An idempotent replay names what the first answer wrote: the {@code <x>_id} and {@code version}
     * of its body (a refusal, which wrote nothing, names nothing).
     */
    private Response withToken(Response replay) {
        if (replay.getStatus() >= 300 || !(replay.getEntity() instanceof String body)) {
            return replay;
        }
        JsonObject json = JsonSupport.parseObject(body);
        return json.keySet().stream().filter(field -> field.endsWith("_id")).findFirst()
                .filter(field -> json.containsKey("version"))
                .map(field -> Response.fromResponse(replay).header(ConsistencyTokens.HEADER,
                        tokens.issue(UUID.fromString(json.getString(field)), json.getInt("version"))).build())
                .orElse(replay);
    }
}
