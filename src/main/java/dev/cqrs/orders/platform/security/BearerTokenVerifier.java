package dev.cqrs.orders.platform.security;

import jakarta.json.Json;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a MicroProfile JWT bearer token (RS256, RFC 7515/7519 and MP JWT 2.1's claims) with the
 * JDK and JSON-P only: three base64url parts, a header whose {@code alg} is exactly {@code RS256}
 * (so neither {@code none} nor an HMAC keyed with the public key, RFC 8725 §2.1) and that names no
 * {@code crit} extension, a valid signature by one of the trusted keys, the configured issuer, an
 * {@code exp} not past, an {@code iat} not in the future, an {@code nbf} (if any) reached, each
 * within the clock skew, and a {@code sub}. Each part in canonical base64url (one spelling per token). Duplicate JSON members are refused (RFC 7519 §4). Holds no
 * state per token and is safe to share; {@link VerifiedTokenCache} keeps what it verified.
 */
public final class BearerTokenVerifier {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private static final Base64.Encoder BASE64URL_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final JsonReaderFactory STRICT_JSON =
            Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    private static final java.math.BigDecimal LONG_RANGE = java.math.BigDecimal.valueOf(Long.MAX_VALUE);

    private final TrustedKeys keys;
    private final String issuer;
    private final long skewSeconds;
    private final Set<String> audiences;
    private final long maxAgeSeconds;

    public BearerTokenVerifier(TrustedKeys keys, String issuer, long skewSeconds, Set<String> audiences) {
        this(keys, issuer, skewSeconds, audiences, 0);
    }

    /**
     * @param audiences if not empty, a token's {@code aud} must name one of them ({@code mp.jwt.verify.audiences})
     * @param maxAgeSeconds if above 0, a token issued longer ago than this is refused ({@code mp.jwt.verify.token.age})
     */
    public BearerTokenVerifier(TrustedKeys keys, String issuer, long skewSeconds, Set<String> audiences, long maxAgeSeconds) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("mp.jwt.verify.issuer is not set: tokens cannot be verified");
        }
        this.keys = keys;
        this.issuer = issuer;
        this.skewSeconds = skewSeconds;
        this.audiences = Set.copyOf(audiences);
        this.maxAgeSeconds = maxAgeSeconds;
    }

    /** What a verified token says about its caller. */
    public record VerifiedToken(String name, String subject, Set<String> groups, long expiresAt, long notBefore) {
    }

    /** A token refused, with the reason (for the log; the client only learns that it was refused). */
    public static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The token's claims if every check holds at {@code nowSeconds} (epoch seconds). */
    public VerifiedToken verify(String token, long nowSeconds) throws InvalidTokenException {
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot <= firstDot + 1 || secondDot == token.length() - 1
                || token.indexOf('.', secondDot + 1) >= 0) {
            throw new InvalidTokenException("not a signed JWT (three non-empty base64url parts)");
        }
        JsonObject header = json(part(token, 0, firstDot), "header");
        if (!"RS256".equals(string(header, "alg"))) {
            throw new InvalidTokenException("alg is not RS256");
        }
        if (header.containsKey("crit")) {
            throw new InvalidTokenException("crit names extensions this verifier does not know");
        }
        byte[] signature = part(token, secondDot + 1, token.length());
        byte[] signed = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
        if (!keys.anyVerifies(string(header, "kid"), signed, signature)) {
            throw new InvalidTokenException("signature not made by a trusted key");
        }
        JsonObject claims = json(part(token, firstDot + 1, secondDot), "claims");
        if (!issuer.equals(string(claims, "iss"))) {
            throw new InvalidTokenException("iss is not the configured issuer");
        }
        long expiresAt = seconds(claims, "exp").orElseThrow(() -> new InvalidTokenException("exp is missing"));
        if (nowSeconds - skewSeconds >= expiresAt) {
            throw new InvalidTokenException("expired");
        }
        long issuedAt = seconds(claims, "iat").orElseThrow(() -> new InvalidTokenException("iat is missing"));
        if (issuedAt - skewSeconds > nowSeconds) {
            throw new InvalidTokenException("iat is in the future");
        }
        long notBefore = seconds(claims, "nbf").orElse(Long.MIN_VALUE);
        if (notBefore != Long.MIN_VALUE && notBefore - skewSeconds > nowSeconds) {
            throw new InvalidTokenException("not valid yet (nbf)");
        }
        if (!audiences.isEmpty() && !namesAnAudience(claims.get("aud"))) {
            throw new InvalidTokenException("aud names none of the configured audiences");
        }
        if (maxAgeSeconds > 0 && nowSeconds - skewSeconds > issuedAt + maxAgeSeconds) {
            throw new InvalidTokenException("older than mp.jwt.verify.token.age");
        }
        // sub is the caller's user id (Caller's data filtering): required, and never taken from another claim.
        String subject = string(claims, "sub");
        if (subject == null || subject.isBlank()) {
            throw new InvalidTokenException("sub is missing");
        }
        String upn = string(claims, "upn");
        String preferred = string(claims, "preferred_username");
        String name = upn != null && !upn.isBlank() ? upn : preferred != null && !preferred.isBlank() ? preferred : subject;
        return new VerifiedToken(name, subject, groups(claims), expiresAt, notBefore);
    }

    private static byte[] part(String token, int from, int to) throws InvalidTokenException {
        for (int i = from; i < to; i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw new InvalidTokenException("a part is not unpadded base64url");
            }
        }
        String part = token.substring(from, to);
        byte[] bytes;
        try {
            bytes = BASE64URL.decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("a part is not unpadded base64url");
        }
        // Only the one encoding of those bytes (the decoder ignores a last character's unused bits):
        // one token, one spelling, one cache entry.
        if (!BASE64URL_ENCODER.encodeToString(bytes).equals(part)) {
            throw new InvalidTokenException("a part is not in canonical base64url");
        }
        return bytes;
    }

    private static JsonObject json(byte[] bytes, String what) throws InvalidTokenException {
        try (var reader = STRICT_JSON.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            // JsonException, and whatever the parser throws on absurd numbers or nesting: refused, not a 500.
            throw new InvalidTokenException("the " + what + " is not one JSON object without duplicate members");
        }
    }

    private static String string(JsonObject object, String name) throws InvalidTokenException {
        JsonValue value = object.get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString text)) {
            throw new InvalidTokenException(name + " is not a string");
        }
        return text.getString();
    }

    private static Optional<Long> seconds(JsonObject claims, String name) throws InvalidTokenException {
        JsonValue value = claims.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof JsonNumber number)) {
            throw new InvalidTokenException(name + " is not a number");
        }
        java.math.BigDecimal decimal = number.bigDecimalValue();
        if (decimal.abs().compareTo(LONG_RANGE) > 0) {
            throw new InvalidTokenException(name + " is out of range");
        }
        try {
            // A NumericDate may have a fraction (RFC 7519 §2); one beyond a long is refused, not wrapped.
            return Optional.of(decimal.setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
        } catch (ArithmeticException e) {
            throw new InvalidTokenException(name + " is out of range");
        }
    }

    private boolean namesAnAudience(JsonValue aud) {
        if (aud instanceof JsonString one) {
            return audiences.contains(one.getString());
        }
        if (aud != null && aud.getValueType() == JsonValue.ValueType.ARRAY) {
            return aud.asJsonArray().stream().anyMatch(v -> v instanceof JsonString s && audiences.contains(s.getString()));
        }
        return false;
    }

    private static Set<String> groups(JsonObject claims) throws InvalidTokenException {
        JsonValue value = claims.get("groups");
        if (value == null || value == JsonValue.NULL) {
            return Set.of();
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new InvalidTokenException("groups is not an array");
        }
        Set<String> groups = new LinkedHashSet<>();
        for (JsonValue group : value.asJsonArray()) {
            if (!(group instanceof JsonString text)) {
                throw new InvalidTokenException("groups holds something other than strings");
            }
            groups.add(text.getString());
        }
        return Set.copyOf(groups);
    }

    /** The RSA public keys tokens may be signed with, by {@code kid} where a JWKS names them. */
    public record TrustedKeys(Map<String, RSAPublicKey> byKid, java.util.List<RSAPublicKey> all) {

        public TrustedKeys {
            byKid = Map.copyOf(byKid);
            all = java.util.List.copyOf(all);
            if (all.isEmpty()) {
                throw new IllegalArgumentException("no RSA public key to verify tokens with");
            }
            for (RSAPublicKey key : all) {
                if (key.getModulus().bitLength() < 2048) {
                    throw new IllegalArgumentException("an RSA key shorter than 2048 bits (RFC 7518 §3.3)");
                }
            }
        }

        /**
         * The keys in {@code text}: a PEM public key ({@code -----BEGIN PUBLIC KEY-----}, X.509
         * SubjectPublicKeyInfo), or a JWK or JWK Set (RFC 7517) whose RSA keys ({@code kty} RSA, not
         * {@code use} other than {@code sig}) are taken with their {@code kid}.
         */
        public static TrustedKeys parse(String text) {
            String trimmed = text.strip();
            try {
                if (trimmed.startsWith("{")) {
                    JsonObject json;
                    try (var reader = STRICT_JSON.createReader(new StringReader(trimmed))) {
                        json = reader.readObject();
                    }
                    java.util.List<JsonObject> jwks = json.containsKey("keys")
                            ? json.getJsonArray("keys").getValuesAs(JsonObject.class) : java.util.List.of(json);
                    Map<String, RSAPublicKey> byKid = new java.util.HashMap<>();
                    java.util.List<RSAPublicKey> all = new java.util.ArrayList<>();
                    for (JsonObject jwk : jwks) {
                        if (!"RSA".equals(jwk.getString("kty", null)) || !"sig".equals(jwk.getString("use", "sig"))) {
                            continue;
                        }
                        RSAPublicKey key = (RSAPublicKey) java.security.KeyFactory.getInstance("RSA").generatePublic(
                                new java.security.spec.RSAPublicKeySpec(
                                        new java.math.BigInteger(1, BASE64URL.decode(jwk.getString("n"))),
                                        new java.math.BigInteger(1, BASE64URL.decode(jwk.getString("e")))));
                        all.add(key);
                        if (jwk.containsKey("kid")) {
                            byKid.put(jwk.getString("kid"), key);
                        }
                    }
                    return new TrustedKeys(byKid, all);
                }
                if (!trimmed.startsWith("-----BEGIN PUBLIC KEY-----")) {
                    throw new IllegalArgumentException("the token key is neither a PEM public key (-----BEGIN PUBLIC KEY-----)"
                            + " nor a JWK Set");
                }
                String base64 = trimmed.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
                RSAPublicKey key = (RSAPublicKey) java.security.KeyFactory.getInstance("RSA").generatePublic(
                        new java.security.spec.X509EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
                return new TrustedKeys(Map.of(), java.util.List.of(key));
            } catch (GeneralSecurityException | JsonException | ClassCastException | NullPointerException e) {
                throw new IllegalArgumentException("the token key cannot be read as an RSA public key: " + e, e);
            }
        }

        /** A token naming a {@code kid} this set knows is checked against that key only; otherwise against each key. */
        boolean anyVerifies(String kid, byte[] signed, byte[] signature) {
            RSAPublicKey named = kid == null ? null : byKid.get(kid);
            if (named != null) {
                return verifies(named, signed, signature);
            }
            for (RSAPublicKey key : all) {
                if (verifies(key, signed, signature)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean verifies(RSAPublicKey key, byte[] signed, byte[] signature) {
            try {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initVerify(key);
                rsa.update(signed);
                return rsa.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }
}
