package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.Sha256;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code Idempotency-Key} header's rules: which keys are valid, and the fingerprint of a
 * request (method, path, body) that a retry with the same key must repeat. {@link CommandGateway}
 * applies them; keys belong to the principal.
 */
public final class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private Idempotency() {
    }

    /** Whether {@code key} is a valid key: 1 to 200 visible ASCII characters. */
    public static boolean isValid(String key) {
        return KEY.matcher(key).matches();
    }

    /** A 400 naming the header unless {@code key} is a valid key. */
    static void requireValid(String key) {
        if (!isValid(key)) {
            throw new InvalidInputException(List.of(new FieldError(HEADER,
                    "must be 1 to 200 visible ASCII characters (a UUID is a good choice)")));
        }
    }

    static byte[] fingerprint(String method, String path, byte[] body) {
        MessageDigest sha256 = Sha256.digest();
        sha256.update((method + ' ' + path + '\n').getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            sha256.update(body);
        }
        return sha256.digest();
    }
}
