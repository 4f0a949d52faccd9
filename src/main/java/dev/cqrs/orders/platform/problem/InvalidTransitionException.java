package dev.cqrs.orders.platform.problem;

/** 409: the command is not allowed in the aggregate's current state (shipping a pending order, say). */
public class InvalidTransitionException extends ConflictException {

    public InvalidTransitionException(String detail) {
        super(detail);
    }

    @Override
    public String kind() {
        return "invalid-transition";
    }

    @Override
    public String title() {
        return "Not allowed in the current state";
    }
}
