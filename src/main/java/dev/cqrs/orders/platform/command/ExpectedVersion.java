package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.http.EntityTags;
import dev.cqrs.orders.platform.problem.VersionMismatchException;
import java.util.List;
import java.util.UUID;

/**
 * The condition of a command's {@code If-Match} header, as RFC 9110 §13.1.1 defines it:
 * {@code If-Match = "*" / #entity-tag}. An aggregate's entity tag is its version, strong and quoted
 * ({@code "3"}, as command answers send it in {@code ETag}); the tag a view of that version is
 * served with ({@code "3.<digest>"}, {@link dev.cqrs.orders.platform.http.ViewValidators}) names
 * the same version, so that a GET's {@code ETag} can be sent back. No header or {@code *}: any version
 * (a missing aggregate is a 404 first, RFC 9110 §13.2.1). A list: true when one of its tags
 * matches by the strong comparison (§8.8.3.2), which a weak tag ({@code W/"3"}) never passes; a
 * well-formed list that names no tag of the current version (among them {@code "0"}, {@code "abc"}
 * or an empty list) is a 412. Only a header that is not of that grammar is a 400.
 */
public final class ExpectedVersion {

    public static final ExpectedVersion ANY = new ExpectedVersion(null, null);

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
        EntityTags condition = EntityTags.parse("If-Match", header);
        if (condition.any()) {
            return ANY;
        }
        List<String> strong = condition.tags().stream().filter(tag -> !tag.weak()).map(EntityTags.Tag::opaque).toList();
        return new ExpectedVersion(strong, header.strip());
    }

    /** Throws 412 when the condition is false for an aggregate at {@code actual}. */
    public void check(String what, UUID id, int actual) {
        if (strongTags != null && strongTags.stream().noneMatch(tag -> namesVersion(tag, actual))) {
            throw new VersionMismatchException(what, id, header, actual);
        }
    }

    // "3", as command answers send it, or "3.<digest>", the tag of a view of version 3 (ViewValidators):
    // the digest tells representations apart (a renamed product changes a view, not its order's version),
    // the version is what a write must be conditional on.
    private static boolean namesVersion(String tag, int actual) {
        String version = Integer.toString(actual);
        return tag.equals(version) || tag.startsWith(version + ".") && tag.length() > version.length() + 1;
    }
}
