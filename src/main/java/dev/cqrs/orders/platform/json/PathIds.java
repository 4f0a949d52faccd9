package dev.cqrs.orders.platform.json;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.util.List;
import java.util.UUID;

/** Ids taken from a URL path: a malformed one is a 400 naming the path parameter. */
public final class PathIds {

    private PathIds() {
    }

    public static UUID uuid(String name, String text) {
        return Uuids.parse(text)
                .orElseThrow(() -> new InvalidInputException(List.of(new FieldError(name, "must be a UUID"))));
    }
}
