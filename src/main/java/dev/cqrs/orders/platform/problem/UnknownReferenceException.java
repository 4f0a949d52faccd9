package dev.cqrs.orders.platform.problem;

import java.util.List;
import java.util.UUID;

/**
 * 422: the body is well-formed, but refers to something that does not exist (an order for an
 * unknown product, say). Names the field so that the client knows which reference is wrong.
 */
public class UnknownReferenceException extends DomainException {

    private final String field;

    public UnknownReferenceException(String field, String what, UUID id) {
        super(field + ": " + what + " " + id + " does not exist");
        this.field = field;
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String kind() {
        return "unknown-reference";
    }

    @Override
    public String title() {
        return "Referenced resource does not exist";
    }

    @Override
    public List<FieldError> errors() {
        return List.of(new FieldError(field, "does not exist"));
    }
}
