package dev.cqrs.orders.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Bearer tokens for the tests, signed (RS256) with the development key of server-config/dev, which
 * the test stack trusts (issuer {@code cqrs-dev}): the same tokens {@code scripts/token} mints.
 * Also the broken ones the security tests need: expired, wrongly signed, of another issuer.
 */
public final class Tokens {

    public static final String ISSUER = "cqrs-dev";
    private static final PrivateKey DEV_KEY = readKey(Path.of("server-config/dev/jwt-private.pem"));
    private static final PrivateKey OTHER_KEY = otherKey();

    private Tokens() {
    }

    /** A token for {@code userId} with {@code roles}, valid for four hours (longer than any test run). */
    public static String of(String userId, String... roles) {
        long now = Instant.now().getEpochSecond();
        return sign(DEV_KEY, "RS256", claims(ISSUER, userId, roles, now, now + 4 * 3600));
    }

    public static String admin() {
        return of("test-admin", "admin");
    }

    /** Expired {@code secondsAgo} seconds ago. */
    public static String expired(String userId, long secondsAgo, String... roles) {
        long now = Instant.now().getEpochSecond();
        return sign(DEV_KEY, "RS256", claims(ISSUER, userId, roles, now - 3600, now - secondsAgo));
    }

    /** A valid token that expires {@code seconds} from now. */
    public static String expiringIn(String userId, long seconds, String... roles) {
        long now = Instant.now().getEpochSecond();
        return sign(DEV_KEY, "RS256", claims(ISSUER, userId, roles, now, now + seconds));
    }

    /** Signed with a key the service does not know. */
    public static String wronglySigned(String userId, String... roles) {
        long now = Instant.now().getEpochSecond();
        return sign(OTHER_KEY, "RS256", claims(ISSUER, userId, roles, now, now + 3600));
    }

    /** Signed with the right key, but by another issuer. */
    public static String otherIssuer(String userId, String... roles) {
        long now = Instant.now().getEpochSecond();
        return sign(DEV_KEY, "RS256", claims("someone-else", userId, roles, now, now + 3600));
    }

    /** The claims of an admin token, unsigned ({@code alg: none}). */
    public static String unsigned(String userId) {
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        return header + "." + b64(claims(ISSUER, userId, new String[] {"admin"}, now, now + 3600)) + ".";
    }

    /** A valid admin token with its payload changed after signing (roles raised). */
    public static String tampered(String userId) {
        String token = of(userId, "customer");
        String[] parts = token.split("\\.");
        long now = Instant.now().getEpochSecond();
        return parts[0] + "." + b64(claims(ISSUER, userId, new String[] {"admin"}, now, now + 3600)) + "." + parts[2];
    }

    private static String claims(String issuer, String userId, String[] roles, long issuedAt, long expires) {
        String groups = Stream.of(roles).map(r -> '"' + r + '"').collect(Collectors.joining(","));
        return "{\"iss\":\"" + issuer + "\",\"sub\":\"" + userId + "\",\"upn\":\"" + userId + "\",\"groups\":[" + groups
                + "],\"iat\":" + issuedAt + ",\"exp\":" + expires + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    }

    private static String sign(PrivateKey key, String alg, String claims) {
        String input = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static PrivateKey readKey(Path pem) {
        try {
            String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the development token key " + pem.toAbsolutePath(), e);
        }
    }

    private static PrivateKey otherKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
