package dev.cqrs.orders.platform.http;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of a conditional request header of RFC 9110 §13.1: {@code If-Match} or {@code
 * If-None-Match}, both {@code "*" / #entity-tag}. {@code #entity-tag} is a list (§5.6.1: elements
 * separated by commas with optional white space, empty elements allowed) of {@code entity-tag = [
 * "W/" ] DQUOTE *etagc DQUOTE}, {@code etagc = %x21 / %x23-7E / obs-text}. A value outside that
 * grammar is a 400 naming the header.
 *
 * @param any   the value was {@code *}
 * @param tags  the entity tags listed (none for {@code *})
 */
public record EntityTags(boolean any, List<Tag> tags) {

    /** One entity tag: its opaque part (without the quotes) and whether it was weak ({@code W/}). */
    public record Tag(boolean weak, String opaque) {
    }

    /** The header's value, or {@code null} when there is no header. */
    public static EntityTags parse(String header, String value) {
        if (value == null) {
            return null;
        }
        String text = value.strip();
        if (text.equals("*")) {
            return new EntityTags(true, List.of());
        }
        List<Tag> tags = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            boolean weak = text.startsWith("W/", i);
            if (weak) {
                i += 2;
            }
            if (i >= n || text.charAt(i) != '"') {
                throw malformed(header);
            }
            int end = i + 1;
            while (end < n && isEtagc(text.charAt(end))) {
                end++;
            }
            if (end >= n || text.charAt(end) != '"') {
                throw malformed(header);
            }
            tags.add(new Tag(weak, text.substring(i + 1, end)));
            i = end + 1;
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && text.charAt(i) != ',') {
                throw malformed(header);
            }
        }
        return new EntityTags(false, List.copyOf(tags));
    }

    /**
     * {@code If-None-Match}'s test (§13.1.2): true when the value is {@code *} or one of its tags
     * matches {@code current} by the weak comparison (§8.8.3.2: the opaque parts are equal, weak or
     * not).
     */
    public boolean matchesWeakly(String current) {
        return any || tags.stream().anyMatch(tag -> tag.opaque().equals(current));
    }

    private static boolean isEtagc(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
    }

    private static InvalidInputException malformed(String header) {
        return new InvalidInputException(List.of(new FieldError(header,
                "must be * or a list of entity tags, e.g. \"3\" (RFC 9110 §13.1)")));
    }
}
