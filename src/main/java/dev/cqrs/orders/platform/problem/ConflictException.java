package dev.cqrs.orders.platform.problem;

import java.util.List;

/** 409: the command is valid but clashes with the current state (a taken e-mail, a concurrent change). */
public class ConflictException extends DomainException {

    private final List<FieldError> errors;

    public ConflictException(String detail) {
        this(detail, List.of());
    }

    public ConflictException(String detail, List<FieldError> errors) {
        super(detail);
        this.errors = List.copyOf(errors);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String kind() {
        return "conflict";
    }

    @Override
    public String title() {
        return "Conflict with the current state";
    }

    @Override
    public List<FieldError> errors() {
        return errors;
    }
}
