package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import dev.cqrs.orders.platform.problem.VersionMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The condition of a command's {@code If-Match} header, as RFC 9110 §13.1.1 defines it:
 * {@code If-Match = "*" / #entity-tag}. An aggregate's entity tag is its version, strong and quoted
 * ({@code "3"}, as command answers send it in {@code ETag}). No header or {@code *}: any version
 * (a missing aggregate is a 404 first, RFC 9110 §13.2.1). A list: true when one of its tags
 * matches by the strong comparison (§8.8.3.2), which a weak tag ({@code W/"3"}) never passes; a
 * well-formed list that names no tag of the current version (among them {@code "0"}, {@code "abc"}
 * or an empty list) is a 412. Only a header that is not of that grammar is a 400.
 */
public final class ExpectedVersion {

    public static final ExpectedVersion ANY = new ExpectedVersion(null, null);
    private static final String MALFORMED = "must be * or a list of entity tags, e.g. \"3\" (RFC 9110 §13.1.1)";

    // The opaque tags of the strong entity tags listed (weak ones cannot match); null: any version.
    private final List<String> strongTags;
    private final String header;

    private ExpectedVersion(List<String> strongTags, String header) {
        this.strongTags = strongTags;
        this.header = header;
    }

    public static ExpectedVersion of(int version) {
        return new ExpectedVersion(List.of(Integer.toString(version)), "\"" + version + "\"");
    }

    /** Reads an {@code If-Match} header value; one outside RFC 9110's grammar is a 400 naming the header. */
    public static ExpectedVersion fromIfMatch(String header) {
        if (header == null) {
            return ANY;
        }
        String value = header.strip();
        if (value.equals("*")) {
            return ANY;
        }
        return new ExpectedVersion(strongTags(value), value);
    }

    /**
     * {@code #entity-tag} (RFC 9110 §5.6.1: elements separated by commas with optional white space,
     * empty elements allowed), {@code entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE}, {@code etagc =
     * %x21 / %x23-7E / obs-text}. Answers the opaque tags of the strong ones.
     */
    private static List<String> strongTags(String value) {
        List<String> strong = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            boolean weak = value.startsWith("W/", i);
            if (weak) {
                i += 2;
            }
            if (i >= n || value.charAt(i) != '"') {
                throw malformed();
            }
            int end = i + 1;
            while (end < n && isEtagc(value.charAt(end))) {
                end++;
            }
            if (end >= n || value.charAt(end) != '"') {
                throw malformed();
            }
            if (!weak) {
                strong.add(value.substring(i + 1, end));
            }
            i = end + 1;
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && value.charAt(i) != ',') {
                throw malformed();
            }
        }
        return List.copyOf(strong);
    }

    private static boolean isEtagc(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
    }

    private static InvalidInputException malformed() {
        return new InvalidInputException(List.of(new FieldError("If-Match", MALFORMED)));
    }

    /** Throws 412 when the condition is false for an aggregate at {@code actual}. */
    public void check(String what, UUID id, int actual) {
        if (strongTags != null && !strongTags.contains(Integer.toString(actual))) {
            throw new VersionMismatchException(what, id, header, actual);
        }
    }
}
