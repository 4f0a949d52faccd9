package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.QueryParams;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /admin/audit?principal=&aggregate_id=&outcome=&limit=&cursor=}: the audit log of
 * command requests, newest first, {@code {items, next_cursor}}. {@code outcome} is one of
 * {@code accepted}, {@code rejected}, {@code refused}, {@code failed}, or a status code.
 */
@ApplicationScoped
@ServedBy(Role.COMMAND)
@Path("admin/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AuditResource {

    private static final Set<String> OUTCOMES = Set.of("accepted", "rejected", "refused", "failed");

    @Inject
    AuditLog audit;

    @GET
    public JsonObject newest(@QueryParam("principal") String principal, @QueryParam("aggregate_id") String aggregateId,
                             @QueryParam("outcome") String outcome, @QueryParam("limit") String limit,
                             @QueryParam("cursor") String cursor) throws SQLException {
        String outcomeWord = null;
        Integer status = null;
        if (outcome != null) {
            if (OUTCOMES.contains(outcome)) {
                outcomeWord = outcome;
            } else if (outcome.matches("[1-5][0-9][0-9]")) {
                status = Integer.valueOf(outcome);
            } else {
                throw invalid("outcome", "must be accepted, rejected, refused, failed or a status code");
            }
        }
        int max = (int) QueryParams.wholeNumber("limit", limit, 50, 1, 500);
        Long before = cursor == null ? null : QueryParams.wholeNumber("cursor", cursor, 0, 1, Long.MAX_VALUE);
        List<AuditLog.Entry> entries = audit.newest(new AuditLog.Filter(text("principal", principal),
                text("aggregate_id", aggregateId), outcomeWord, status, before, max + 1));
        JsonArrayBuilder items = JsonSupport.array();
        entries.stream().limit(max).forEach(e -> items.add(toJson(e)));
        JsonObjectBuilder body = JsonSupport.object().add("items", items);
        if (entries.size() > max) {
            body.add("next_cursor", Long.toString(entries.get(max - 1).id()));
        } else {
            body.addNull("next_cursor");
        }
        return body.build();
    }

    private static JsonObject toJson(AuditLog.Entry e) {
        JsonObjectBuilder json = JsonSupport.object()
                .add("id", e.id())
                .add("at", e.recordedAt().toString())
                .add("principal", e.principal())
                .add("method", e.method())
                .add("path", e.path())
                .add("status", e.status())
                .add("outcome", e.outcome())
                .add("correlation_id", e.correlationId().toString());
        JsonSupport.addText(json, "command_type", e.commandType());
        JsonSupport.addText(json, "aggregate_id", e.aggregateId());
        // The id its client was given (Command-Id) and, for a refusal, the problem+json it got (issue 18).
        JsonSupport.addText(json, "command_id", e.commandId());
        JsonSupport.addObject(json, "problem", e.problem());
        return json.build();
    }

    private static String text(String field, String value) {
        if (value != null && (value.isEmpty() || value.length() > 300 || value.chars().anyMatch(Character::isISOControl))) {
            throw invalid(field, "must be 1 to 300 characters without control characters");
        }
        return value;
    }

    private static InvalidInputException invalid(String field, String detail) {
        return new InvalidInputException(List.of(new FieldError(field, detail)));
    }
}
