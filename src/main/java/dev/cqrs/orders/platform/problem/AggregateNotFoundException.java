package dev.cqrs.orders.platform.problem;

import java.util.UUID;

/** 404: the resource named in the path does not exist. */
public class AggregateNotFoundException extends DomainException {

    public AggregateNotFoundException(String what, UUID id) {
        super(what + " " + id + " does not exist");
    }

    public AggregateNotFoundException(String what, String id) {
        super(what + " " + id + " does not exist");
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String kind() {
        return "not-found";
    }

    @Override
    public String title() {
        return "Not found";
    }
}
