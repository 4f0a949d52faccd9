package dev.cqrs.orders.platform.problem;

import java.util.List;
import java.util.stream.Collectors;

/** 400: the request body is not JSON, or some of its fields are missing or invalid. */
public class InvalidInputException extends DomainException {

    private final List<FieldError> errors;

    public InvalidInputException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.detail()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public static InvalidInputException malformedBody(String detail) {
        return new InvalidInputException(List.of(new FieldError("body", detail)));
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String kind() {
        return errors.size() == 1 && errors.get(0).field().equals("body") ? "malformed-body" : "invalid-input";
    }

    @Override
    public String title() {
        return kind().equals("malformed-body") ? "Request body is not a JSON object" : "Invalid input";
    }

    @Override
    public List<FieldError> errors() {
        return errors;
    }
}
