package dev.cqrs.orders.platform.problem;

import java.util.List;

/**
 * Base of every error a client can cause. Each subclass is one problem kind with a stable
 * problem+json {@code type}; {@link DomainExceptionMapper} writes the response. The message is
 * the problem's {@code detail} and must be safe to show to a client.
 */
public abstract class DomainException extends RuntimeException {

    protected DomainException(String detail) {
        // No stack trace: these are expected outcomes, not bugs.
        super(detail, null, false, false);
    }

    public abstract int status();

    /** Short, stable slug of the problem kind, e.g. {@code invalid-input}. */
    public abstract String kind();

    public abstract String title();

    /** {@code Retry-After} of the answer, in seconds, when trying again later can help; null otherwise. */
    public String retryAfterSeconds() {
        return null;
    }

    /** The offending fields by their JSON names, when the problem is about the request body. */
    public List<FieldError> errors() {
        return List.of();
    }
}
