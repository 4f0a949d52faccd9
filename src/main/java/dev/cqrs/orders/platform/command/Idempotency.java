package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs a command under its {@code Idempotency-Key}, if the request has one: the first request with
 * a key runs the command and its answer is kept with the key, in the command's transaction; a retry
 * with the same key and the same request (method, path, body) gets that answer again and runs
 * nothing; the same key with another request is refused (422). Keys belong to the principal.
 */
@ApplicationScoped
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    @Inject
    IdempotencyStore store;

    public Response run(String key, String method, String path, byte[] body, Supplier<Response> command) {
        if (key == null) {
            return command.get();
        }
        if (!KEY.matcher(key).matches()) {
            throw new InvalidInputException(List.of(new FieldError(HEADER,
                    "must be 1 to 200 visible ASCII characters (a UUID is a good choice)")));
        }
        return store.once(key, fingerprint(method, path, body), command);
    }

    static byte[] fingerprint(String method, String path, byte[] body) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((method + ' ' + path + '\n').getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                sha256.update(body);
            }
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
