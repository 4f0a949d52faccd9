package dev.cqrs.orders.platform.problem;

/**
 * 503: the view a query reads does not reflect the writes its {@code Consistency-Token} (or
 * {@code min_version}) names yet, and the bound of {@code Prefer: wait} has passed. Nothing is
 * wrong: ask again after {@code Retry-After}.
 */
public class ViewNotCaughtUpException extends DomainException {

    public ViewNotCaughtUpException(String detail) {
        super(detail);
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public String kind() {
        return "view-not-caught-up";
    }

    @Override
    public String title() {
        return "The view does not reflect those writes yet";
    }

    @Override
    public String retryAfterSeconds() {
        return "1";
    }
}
