package dev.cqrs.orders.platform.problem;

import java.util.List;

/** 422: an {@code Idempotency-Key} already used for another request (another body or another command). */
public class IdempotencyKeyReusedException extends DomainException {

    public IdempotencyKeyReusedException() {
        super("this Idempotency-Key was already used for a different request; use a new key for a new command");
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String kind() {
        return "idempotency-key-reused";
    }

    @Override
    public String title() {
        return "Idempotency-Key reused with another request";
    }

    @Override
    public List<FieldError> errors() {
        return List.of(new FieldError("Idempotency-Key", "was used for a different request"));
    }
}
