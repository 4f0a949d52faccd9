package dev.cqrs.orders.platform.problem;

/** One invalid field of a request, named as the client wrote it (snake_case JSON name). */
public record FieldError(String field, String detail) {
}
