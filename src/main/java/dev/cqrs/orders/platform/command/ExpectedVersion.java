package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import dev.cqrs.orders.platform.problem.VersionMismatchException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version a command expects its aggregate to be at, from {@code If-Match: "<version>"} (the
 * strong or weak entity tag of the version; {@code *} or no header: any version).
 */
public final class ExpectedVersion {

    public static final ExpectedVersion ANY = new ExpectedVersion(null);
    private static final Pattern TAG = Pattern.compile("(?:W/)?\"([1-9][0-9]{0,9})\"|([1-9][0-9]{0,9})");

    private final Integer version;

    private ExpectedVersion(Integer version) {
        this.version = version;
    }

    public static ExpectedVersion of(int version) {
        return new ExpectedVersion(version);
    }

    /** Reads an {@code If-Match} header value; a malformed one is a 400 naming the header. */
    public static ExpectedVersion fromIfMatch(String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return ANY;
        }
        Matcher m = TAG.matcher(header.trim());
        long value = m.matches() ? Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)) : -1;
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new InvalidInputException(List.of(new FieldError("If-Match",
                    "must be the version as an entity tag, e.g. \"3\"")));
        }
        return new ExpectedVersion((int) value);
    }

    /** Throws 412 when a version was expected and the aggregate is at another. */
    public void check(String what, UUID id, int actual) {
        if (version != null && version != actual) {
            throw new VersionMismatchException(what, id, version, actual);
        }
    }
}
