package dev.cqrs.orders.platform.command;

import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/**
 * Who issued the command being handled, and under which id: copied into every event it causes.
 * One per request; the command id doubles as the correlation id of the request's log lines.
 */
@RequestScoped
public class CommandMetadata {

    private final UUID commandId = UUID.randomUUID();
    private String principal = "anonymous";

    public UUID commandId() {
        return commandId;
    }

    public String principal() {
        return principal;
    }

    public void principal(String principal) {
        this.principal = principal;
    }
}
