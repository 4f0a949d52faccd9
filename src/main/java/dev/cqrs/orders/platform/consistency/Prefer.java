package dev.cqrs.orders.platform.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code wait} preference of RFC 7240 §4.3 from {@code Prefer} headers: {@code Prefer: wait=10}
 * (several headers, or several preferences in one separated by commas; names case-insensitive;
 * parameters after {@code ;} ignored). A preference the server does not understand, or a {@code wait}
 * whose value is not delta-seconds, is ignored, as §2 says.
 */
public final class Prefer {

    private Prefer() {
    }

    /** The wait asked for, at most {@code max}; {@code fallback} when none is asked. */
    public static Duration waitOf(List<String> headers, Duration fallback, Duration max) {
        if (headers != null) {
            for (String header : headers) {
                for (String preference : preferences(header)) {
                    String head = preference.split(";", 2)[0];
                    int eq = head.indexOf('=');
                    String name = (eq < 0 ? head : head.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                    if (name.equals("wait") && eq >= 0) {
                        String value = unquote(head.substring(eq + 1).strip());
                        if (value.matches("[0-9]{1,9}")) {
                            Duration asked = Duration.ofSeconds(Long.parseLong(value));
                            return asked.compareTo(max) > 0 ? max : asked;
                        }
                    }
                }
            }
        }
        return fallback;
    }

    /** The preferences of one header value: split at commas outside quoted strings. */
    private static List<String> preferences(String header) {
        List<String> parts = new ArrayList<>();
        if (header == null) {
            return parts;
        }
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"' && (i == 0 || header.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
