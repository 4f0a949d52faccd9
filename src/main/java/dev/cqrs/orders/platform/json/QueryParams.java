package dev.cqrs.orders.platform.json;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.util.List;

/** Query parameters: a malformed or out-of-range one is a 400 naming the parameter. */
public final class QueryParams {

    private QueryParams() {
    }

    /** A whole number from {@code min} to {@code max}, or {@code absent} when the parameter is missing. */
    public static long wholeNumber(String name, String text, long absent, long min, long max) {
        if (text == null) {
            return absent;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new InvalidInputException(List.of(new FieldError(name, "must be an integer from " + min + " to " + max)));
    }
}
