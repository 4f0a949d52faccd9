package dev.cqrs.orders.platform.problem;

import java.util.List;

/** 412: the command's {@code If-Match} names another version than the aggregate's current one. */
public class VersionMismatchException extends DomainException {

    public VersionMismatchException(String what, Object id, int expected, int actual) {
        super(what + " " + id + " is at version " + actual + ", not " + expected
                + " as If-Match requires: read it again, then decide");
    }

    @Override
    public int status() {
        return 412;
    }

    @Override
    public String kind() {
        return "version-mismatch";
    }

    @Override
    public String title() {
        return "Precondition failed: the version has changed";
    }

    @Override
    public List<FieldError> errors() {
        return List.of(new FieldError("If-Match", "does not match the current version"));
    }
}
