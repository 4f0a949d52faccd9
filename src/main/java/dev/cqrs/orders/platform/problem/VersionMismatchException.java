package dev.cqrs.orders.platform.problem;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** 412: the command's {@code If-Match} names no entity tag of the aggregate's current version. */
public class VersionMismatchException extends DomainException {

    private static final Pattern ONE_VERSION = Pattern.compile("\"([1-9][0-9]{0,9})\"");

    /** {@code ifMatch}: the header as sent (not echoed, unless it is a single version's tag). */
    public VersionMismatchException(String what, Object id, String ifMatch, int actual) {
        super(what + " " + id + " is at version " + actual + ", " + named(ifMatch, actual)
                + ": read it again, then decide");
    }

    private static String named(String ifMatch, int actual) {
        Matcher one = ONE_VERSION.matcher(ifMatch);
        return one.matches() ? "not " + one.group(1) + " as If-Match requires"
                : "whose entity tag \"" + actual + "\" is not among If-Match's strong entity tags (a weak tag never matches)";
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
