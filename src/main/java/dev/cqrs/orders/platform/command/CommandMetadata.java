package dev.cqrs.orders.platform.command;

import jakarta.enterprise.context.RequestScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Who issued the command being handled, and under which id: copied into every event it causes and
 * into its audit row. One per request; the command id doubles as the request's correlation id (its
 * log lines, its audit row, the {@code X-Correlation-Id} answer header).
 */
@RequestScoped
public class CommandMetadata {

    public static final String ANONYMOUS = "anonymous";

    private final UUID commandId = UUID.randomUUID();
    private Instant receivedAt = Instant.now();
    private String trackingId;
    private String principal = ANONYMOUS;
    private String method = "?";
    private String path = "?";
    private String commandType;
    private String aggregateId;
    private int auditedStatus;

    public UUID commandId() {
        return commandId;
    }

    /**
     * The id its client knows the command by ({@code Command-Id}, {@code GET /commands/{id}}): the
     * request's {@code Idempotency-Key} if it sent a valid one, otherwise {@link #commandId}.
     */
    public String trackingId() {
        return trackingId != null ? trackingId : commandId.toString();
    }

    public void trackingId(String idempotencyKey) {
        this.trackingId = idempotencyKey;
    }

    /** When the request reached the application: the command's {@code received_at}. */
    public Instant receivedAt() {
        return receivedAt;
    }

    public String principal() {
        return principal;
    }

    public void principal(String principal) {
        this.principal = principal;
    }

    /** The HTTP method and path of the request, for its audit row. */
    public void request(String method, String path) {
        this.receivedAt = Instant.now();
        this.method = method;
        this.path = path;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** What the request asks for, e.g. {@code order.place}; {@code null} when no resource matched. */
    public String commandType() {
        return commandType;
    }

    public void commandType(String commandType) {
        this.commandType = commandType;
    }

    /** The aggregate the request names in its path, if any. */
    public String aggregateId() {
        return aggregateId;
    }

    public void aggregateId(String aggregateId) {
        this.aggregateId = aggregateId;
    }

    /** The status written to the audit log with the command's events; 0 when none was written. */
    public int auditedStatus() {
        return auditedStatus;
    }

    public void audited(int status) {
        this.auditedStatus = status;
    }
}
