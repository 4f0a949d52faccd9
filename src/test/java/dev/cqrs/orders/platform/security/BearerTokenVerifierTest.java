package dev.cqrs.orders.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cqrs.orders.platform.security.BearerTokenVerifier.InvalidTokenException;
import dev.cqrs.orders.platform.security.BearerTokenVerifier.TrustedKeys;
import dev.cqrs.orders.platform.security.BearerTokenVerifier.VerifiedToken;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BearerTokenVerifierTest {

    private static final long NOW = 1_700_000_000L;
    private static final long SKEW = 60;
    private static final String ISSUER = "https://issuer.example/realms/orders";

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private static KeyPair keyA;
    private static KeyPair keyB;
    private static String pemA;

    @BeforeAll
    static void generateKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keyA = generator.generateKeyPair();
        keyB = generator.generateKeyPair();
        pemA = pem(keyA);
    }

    // ---------------------------------------------------------------- helpers

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return B64URL.encodeToString(bytes);
    }

    private static JsonObject jwk(KeyPair pair, String kid) {
        RSAPublicKey key = (RSAPublicKey) pair.getPublic();
        JsonObjectBuilder jwk = Json.createObjectBuilder()
                .add("kty", "RSA")
                .add("use", "sig")
                .add("alg", "RS256")
                .add("n", unsigned(key.getModulus()))
                .add("e", unsigned(key.getPublicExponent()));
        if (kid != null) {
            jwk.add("kid", kid);
        }
        return jwk.build();
    }

    private static String jwks(JsonObject... keys) {
        var array = Json.createArrayBuilder();
        for (JsonObject key : keys) {
            array.add(key);
        }
        return Json.createObjectBuilder().add("keys", array).build().toString();
    }

    private static BearerTokenVerifier verifier(TrustedKeys keys) {
        return new BearerTokenVerifier(keys, ISSUER, SKEW, Set.of());
    }

    private static BearerTokenVerifier verifierA() {
        return verifier(TrustedKeys.parse(pemA));
    }

    private static String b64(String json) {
        return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] rsa(String algorithm, PrivateKey key, String signingInput) {
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** header.claims.signature, the signature by SHA256withRSA with {@code key} over the first two parts. */
    private static String sign(KeyPair key, String headerJson, String claimsJson) {
        String signingInput = b64(headerJson) + "." + b64(claimsJson);
        return signingInput + "." + B64URL.encodeToString(rsa("SHA256withRSA", key.getPrivate(), signingInput));
    }

    private static String header() {
        return "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    }

    private static String header(String kid) {
        return Json.createObjectBuilder().add("alg", "RS256").add("typ", "JWT").add("kid", kid).build().toString();
    }

    /** Claims every check accepts at {@link #NOW}. */
    private static JsonObjectBuilder claims() {
        return Json.createObjectBuilder()
                .add("iss", ISSUER)
                .add("sub", "user-42")
                .add("upn", "alice@example.org")
                .add("preferred_username", "alice")
                .add("groups", Json.createArrayBuilder().add("order-clerk").add("auditor"))
                .add("exp", NOW + 300)
                .add("iat", NOW - 10)
                .add("jti", "token-1");
    }

    private static String token(JsonObjectBuilder claims) {
        return sign(keyA, header(), claims.build().toString());
    }

    private static String validToken() {
        return token(claims());
    }

    private static void assertRefused(BearerTokenVerifier verifier, String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token, NOW))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining(reason);
    }

    private static void assertRefused(String token, String reason) {
        assertRefused(verifierA(), token, reason);
    }

    // ---------------------------------------------------------------- accepted tokens

    @Test
    void acceptsAValidTokenAndReportsItsClaims() throws Exception {
        VerifiedToken verified = verifierA().verify(validToken(), NOW);

        assertThat(verified.name()).isEqualTo("alice@example.org");
        assertThat(verified.subject()).isEqualTo("user-42");
        assertThat(verified.groups()).containsExactlyInAnyOrder("order-clerk", "auditor");
        assertThat(verified.expiresAt()).isEqualTo(NOW + 300);
    }

    @Test
    void theNameIsPreferredUsernameWithoutUpn() throws Exception {
        VerifiedToken verified = verifierA().verify(token(claims().remove("upn")), NOW);

        assertThat(verified.name()).isEqualTo("alice");
        assertThat(verified.subject()).isEqualTo("user-42");
    }

    @Test
    void theNameIsTheSubjectWithoutUpnOrPreferredUsername() throws Exception {
        VerifiedToken verified = verifierA().verify(token(claims().remove("upn").remove("preferred_username")), NOW);

        assertThat(verified.name()).isEqualTo("user-42");
        assertThat(verified.subject()).isEqualTo("user-42");
    }

    @Test
    void aTokenWithoutGroupsHasNone() throws Exception {
        VerifiedToken verified = verifierA().verify(token(claims().remove("groups")), NOW);

        assertThat(verified.groups()).isEmpty();
    }

    @Test
    void acceptsATokenVerifiedWithAJwkSet() throws Exception {
        BearerTokenVerifier verifier = verifier(TrustedKeys.parse(jwks(jwk(keyA, "key-a"))));

        VerifiedToken byKid = verifier.verify(sign(keyA, header("key-a"), claims().build().toString()), NOW);
        VerifiedToken withoutKid = verifier.verify(validToken(), NOW);

        assertThat(byKid.subject()).isEqualTo("user-42");
        assertThat(withoutKid.subject()).isEqualTo("user-42");
    }

    @Test
    void acceptsASingleJwk() throws Exception {
        BearerTokenVerifier verifier = verifier(TrustedKeys.parse(jwk(keyA, "key-a").toString()));

        assertThat(verifier.verify(validToken(), NOW).subject()).isEqualTo("user-42");
    }

    // ---------------------------------------------------------------- algorithm and header

    @Test
    void refusesAlgNoneWithAnEmptySignature() {
        String token = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims().build().toString()) + ".";

        assertRefused(token, "not a signed JWT");
    }

    @Test
    void refusesAlgNoneEvenWithSomeSignature() {
        String signingInput = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims().build().toString());
        String token = signingInput + "." + B64URL.encodeToString(rsa("SHA256withRSA", keyA.getPrivate(), signingInput));

        assertRefused(token, "alg is not RS256");
    }

    @Test
    void refusesHs256KeyedWithThePublicKeyPem() throws Exception {
        String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claims().build().toString());
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(pemA.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String token = signingInput + "."
                + B64URL.encodeToString(hmac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));

        assertRefused(token, "alg is not RS256");
    }

    @Test
    void refusesLowerCaseRs256() {
        String token = sign(keyA, "{\"alg\":\"rs256\",\"typ\":\"JWT\"}", claims().build().toString());

        assertRefused(token, "alg is not RS256");
    }

    @Test
    void refusesRs512() {
        String signingInput = b64("{\"alg\":\"RS512\",\"typ\":\"JWT\"}") + "." + b64(claims().build().toString());
        String token = signingInput + "." + B64URL.encodeToString(rsa("SHA512withRSA", keyA.getPrivate(), signingInput));

        assertRefused(token, "alg is not RS256");
    }

    @Test
    void refusesAHeaderWithoutAlg() {
        assertRefused(sign(keyA, "{\"typ\":\"JWT\"}", claims().build().toString()), "alg is not RS256");
    }

    @Test
    void refusesAHeaderWithCrit() {
        String token = sign(keyA, "{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"exp\":1}", claims().build().toString());

        assertRefused(token, "crit");
    }

    @Test
    void refusesAHeaderWithADuplicateAlg() {
        String token = sign(keyA, "{\"alg\":\"none\",\"alg\":\"RS256\"}", claims().build().toString());

        assertRefused(token, "header is not one JSON object");
    }

    // ---------------------------------------------------------------- signature

    @Test
    void refusesATokenSignedByAnotherKey() {
        assertRefused(sign(keyB, header(), claims().build().toString()), "signature not made by a trusted key");
    }

    @Test
    void refusesAPayloadChangedAfterSigning() {
        String[] parts = validToken().split("\\.");
        String forged = b64(claims().add("groups", Json.createArrayBuilder().add("admin")).build().toString());
        String token = parts[0] + "." + forged + "." + parts[2];

        assertRefused(token, "signature not made by a trusted key");
    }

    @Test
    void refusesAHeaderChangedAfterSigning() {
        String[] parts = validToken().split("\\.");
        String token = b64("{\"alg\":\"RS256\"}") + "." + parts[1] + "." + parts[2];

        assertRefused(token, "signature not made by a trusted key");
    }

    // ---------------------------------------------------------------- claims

    @Test
    void refusesAnotherIssuer() {
        assertRefused(token(claims().add("iss", "https://evil.example/")), "iss is not the configured issuer");
    }

    @Test
    void refusesATokenWithoutIssuer() {
        assertRefused(token(claims().remove("iss")), "iss is not the configured issuer");
    }

    @Test
    void refusesATokenWithoutExp() {
        assertRefused(token(claims().remove("exp")), "exp is missing");
    }

    @Test
    void refusesAnExpThatIsNotANumber() {
        assertRefused(token(claims().add("exp", String.valueOf(NOW + 300))), "exp is not a number");
    }

    @Test
    void refusesATokenExpiredBeyondTheSkew() {
        assertRefused(token(claims().add("exp", NOW - SKEW - 1)), "expired");
    }

    @Test
    void acceptsATokenExpiredWithinTheSkew() throws Exception {
        VerifiedToken verified = verifierA().verify(token(claims().add("exp", NOW - SKEW + 1)), NOW);

        assertThat(verified.expiresAt()).isEqualTo(NOW - SKEW + 1);
    }

    /** RFC 7519 §4.1.4: the current time must be before exp; at exp (plus the skew) the token is over. */
    @Test
    void refusesATokenAtExactlyItsExpiryPlusTheSkew() {
        assertRefused(token(claims().add("exp", NOW - SKEW)), "expired");
    }

    @Test
    void refusesAnAbsurdlyLargeExp() {
        assertRefused(token(claims().add("exp", new java.math.BigDecimal("1e999999"))), "exp is out of range");
    }

    @Test
    void refusesATokenOlderThanTheConfiguredAge() throws Exception {
        BearerTokenVerifier aged = new BearerTokenVerifier(
                TrustedKeys.parse(pemA), ISSUER, SKEW, java.util.Set.of(), 600);
        assertRefused(aged, token(claims().add("iat", NOW - 600 - SKEW - 1)), "older than mp.jwt.verify.token.age");
        assertThat(aged.verify(token(claims().add("iat", NOW - 600)), NOW).subject()).isNotNull();
    }

    @Test
    void refusesATokenWithoutIat() {
        assertRefused(token(claims().remove("iat")), "iat is missing");
    }

    @Test
    void refusesAnIatInTheFutureBeyondTheSkew() {
        assertRefused(token(claims().add("iat", NOW + SKEW + 1)), "iat is in the future");
    }

    @Test
    void acceptsAnIatInTheFutureWithinTheSkew() {
        assertThatCode(() -> verifierA().verify(token(claims().add("iat", NOW + SKEW)), NOW)).doesNotThrowAnyException();
    }

    @Test
    void refusesAnNbfInTheFutureBeyondTheSkew() {
        assertRefused(token(claims().add("nbf", NOW + SKEW + 1)), "not valid yet (nbf)");
    }

    @Test
    void acceptsAnNbfWithinTheSkewAndReportsIt() throws Exception {
        VerifiedToken verified = verifierA().verify(token(claims().add("nbf", NOW + SKEW)), NOW);

        assertThat(verified.notBefore()).isEqualTo(NOW + SKEW);
    }

    @Test
    void aTokenWithoutNbfIsValidSinceForever() throws Exception {
        assertThat(verifierA().verify(validToken(), NOW).notBefore()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void refusesATokenWithNeitherSubNorUpn() {
        assertRefused(token(claims().remove("sub").remove("upn")), "sub is missing");
    }

    /** sub is the user id that data filtering compares with owners: never taken from upn. */
    @Test
    void refusesATokenWithUpnButNoSub() {
        assertRefused(token(claims().remove("sub")), "sub is missing");
    }

    @Test
    void refusesAnAbsurdlyDeepHeaderAsInvalidNotAsAnError() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertRefused(sign(keyA, "{\"alg\":\"RS256\",\"x\":" + deep + "}", claims().build().toString()), "header");
    }

    /** The decoder ignores the unused low bits of a last character: another spelling of the same bytes is refused. */
    @Test
    void refusesANonCanonicalSpellingOfTheSignature() {
        String token = validToken();
        char last = token.charAt(token.length() - 1);
        String base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int value = base64url.indexOf(last);
        // A 256-byte signature is 342 characters , the last one carrying 2 bits and 4 unused: flip the lowest.
        String respelled = token.substring(0, token.length() - 1) + base64url.charAt(value ^ 1);
        assertRefused(respelled, "canonical base64url");
    }

    @Test
    void refusesADuplicateGroupsMember() {
        String claims = claims().remove("groups").build().toString();
        String duplicated = claims.substring(0, claims.length() - 1)
                + ",\"groups\":[\"order-clerk\"],\"groups\":[\"admin\"]}";

        assertRefused(sign(keyA, header(), duplicated), "claims is not one JSON object without duplicate members");
    }

    @Test
    void refusesADuplicateSubMember() {
        String claims = claims().build().toString();
        String duplicated = claims.substring(0, claims.length() - 1) + ",\"sub\":\"admin\"}";

        assertRefused(sign(keyA, header(), duplicated), "claims is not one JSON object without duplicate members");
    }

    @Test
    void refusesClaimsThatAreNotAnObject() {
        assertRefused(sign(keyA, header(), "[\"sub\"]"), "claims is not one JSON object");
    }

    @Test
    void refusesGroupsThatAreNotAnArray() {
        assertRefused(token(claims().add("groups", "admin")), "groups is not an array");
    }

    @Test
    void refusesGroupsHoldingANumber() {
        assertRefused(token(claims().add("groups", Json.createArrayBuilder().add("order-clerk").add(1))),
                "groups holds something other than strings");
    }

    // ---------------------------------------------------------------- audiences

    private static BearerTokenVerifier verifierWithAudiences() {
        return new BearerTokenVerifier(TrustedKeys.parse(pemA), ISSUER, SKEW, Set.of("orders-api", "billing-api"));
    }

    @Test
    void withAudiencesRefusesATokenWithoutAud() {
        assertRefused(verifierWithAudiences(), validToken(), "aud names none of the configured audiences");
    }

    @Test
    void withAudiencesRefusesAnAudThatMatchesNone() {
        assertRefused(verifierWithAudiences(), token(claims().add("aud", "other-api")),
                "aud names none of the configured audiences");
        assertRefused(verifierWithAudiences(),
                token(claims().add("aud", Json.createArrayBuilder().add("other-api").add("third-api"))),
                "aud names none of the configured audiences");
    }

    @Test
    void withAudiencesAcceptsAMatchingAudString() throws Exception {
        VerifiedToken verified = verifierWithAudiences().verify(token(claims().add("aud", "orders-api")), NOW);

        assertThat(verified.subject()).isEqualTo("user-42");
    }

    @Test
    void withAudiencesAcceptsAnAudArrayNamingOne() throws Exception {
        String token = token(claims().add("aud", Json.createArrayBuilder().add("other-api").add("billing-api")));

        assertThat(verifierWithAudiences().verify(token, NOW).subject()).isEqualTo("user-42");
    }

    @Test
    void withoutAudiencesAnyAudIsAccepted() throws Exception {
        assertThat(verifierA().verify(token(claims().add("aud", "other-api")), NOW).subject()).isEqualTo("user-42");
    }

    // ---------------------------------------------------------------- token shape and encoding

    @Test
    void refusesAFourPartToken() {
        assertRefused(validToken() + "." + b64("{}"), "not a signed JWT");
    }

    @Test
    void refusesATwoPartToken() {
        String[] parts = validToken().split("\\.");

        assertRefused(parts[0] + "." + parts[1], "not a signed JWT");
    }

    @Test
    void refusesEmptyParts() {
        String[] parts = validToken().split("\\.");

        assertRefused("." + parts[1] + "." + parts[2], "not a signed JWT");
        assertRefused(parts[0] + ".." + parts[2], "not a signed JWT");
        assertRefused("", "not a signed JWT");
    }

    @Test
    void refusesAPaddedSignature() {
        String valid = validToken();
        String signingInput = valid.substring(0, valid.lastIndexOf('.'));
        byte[] signature = Base64.getUrlDecoder().decode(valid.substring(valid.lastIndexOf('.') + 1));
        String padded = Base64.getUrlEncoder().encodeToString(signature);
        assertThat(padded).endsWith("=");

        assertRefused(signingInput + "." + padded, "not unpadded base64url");
    }

    @Test
    void refusesAPaddedHeader() {
        String headerJson = "{\"alg\":\"RS256\",\"typ\":\"at\"}";
        String paddedHeader = Base64.getUrlEncoder().encodeToString(headerJson.getBytes(StandardCharsets.UTF_8));
        assertThat(paddedHeader).endsWith("=");
        String signingInput = paddedHeader + "." + b64(claims().build().toString());
        String token = signingInput + "." + B64URL.encodeToString(rsa("SHA256withRSA", keyA.getPrivate(), signingInput));

        assertRefused(token, "not unpadded base64url");
    }

    /** A valid token whose signature, in the standard alphabet, holds {@code c}. */
    private static String[] tokenWhoseSignatureHolds(char c) {
        for (int i = 0; ; i++) {
            String signingInput = b64(header()) + "." + b64(claims().add("jti", "token-" + i).build().toString());
            byte[] signature = rsa("SHA256withRSA", keyA.getPrivate(), signingInput);
            String standard = Base64.getEncoder().withoutPadding().encodeToString(signature);
            if (standard.indexOf(c) >= 0) {
                return new String[] {signingInput + "." + B64URL.encodeToString(signature), signingInput + "." + standard};
            }
        }
    }

    @Test
    void refusesAPlusInAPart() throws Exception {
        String[] tokens = tokenWhoseSignatureHolds('+');

        assertThat(verifierA().verify(tokens[0], NOW).subject()).isEqualTo("user-42");
        assertRefused(tokens[1], "not unpadded base64url");
    }

    @Test
    void refusesASlashInAPart() throws Exception {
        String[] tokens = tokenWhoseSignatureHolds('/');

        assertThat(verifierA().verify(tokens[0], NOW).subject()).isEqualTo("user-42");
        assertRefused(tokens[1], "not unpadded base64url");
    }

    @Test
    void refusesWhitespaceInAPart() {
        String[] parts = validToken().split("\\.");

        assertRefused(parts[0] + " ." + parts[1] + "." + parts[2], "not unpadded base64url");
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2] + "\n", "not unpadded base64url");
    }

    // ---------------------------------------------------------------- JWK Set with kids

    @Test
    void aKidNamingKeyAIsCheckedAgainstKeyAOnly() {
        BearerTokenVerifier verifier = verifier(TrustedKeys.parse(jwks(jwk(keyA, "key-a"), jwk(keyB, "key-b"))));

        String namesAButSignedByB = sign(keyB, header("key-a"), claims().build().toString());

        assertRefused(verifier, namesAButSignedByB, "signature not made by a trusted key");
    }

    @Test
    void aTokenWithoutKidIsCheckedAgainstEveryKey() throws Exception {
        BearerTokenVerifier verifier = verifier(TrustedKeys.parse(jwks(jwk(keyA, "key-a"), jwk(keyB, "key-b"))));

        String signedByB = sign(keyB, header(), claims().build().toString());

        assertThat(verifier.verify(signedByB, NOW).subject()).isEqualTo("user-42");
    }

    @Test
    void aKidNamingKeyBIsAcceptedWhenSignedByB() throws Exception {
        BearerTokenVerifier verifier = verifier(TrustedKeys.parse(jwks(jwk(keyA, "key-a"), jwk(keyB, "key-b"))));

        String signedByB = sign(keyB, header("key-b"), claims().build().toString());

        assertThat(verifier.verify(signedByB, NOW).subject()).isEqualTo("user-42");
    }

    @Test
    void aJwkForEncryptionIsNotTrusted() {
        JsonObject encryptionKey = Json.createObjectBuilder(jwk(keyB, "key-b")).add("use", "enc").build();
        TrustedKeys keys = TrustedKeys.parse(jwks(jwk(keyA, "key-a"), encryptionKey));

        assertThat(keys.all()).hasSize(1);
        assertRefused(verifier(keys), sign(keyB, header(), claims().build().toString()),
                "signature not made by a trusted key");
    }

    // ---------------------------------------------------------------- TrustedKeys.parse and the constructor

    @Test
    void parseRefusesA1024BitKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair weak = generator.generateKeyPair();

        assertThatThrownBy(() -> TrustedKeys.parse(pem(weak)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2048");
        assertThatThrownBy(() -> TrustedKeys.parse(jwks(jwk(weak, "weak"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2048");
    }

    @Test
    void parseRefusesAPkcs1PublicKey() {
        // The body does not matter: the PKCS#1 header alone is refused.
        String pkcs1 = pemA.replace("-----BEGIN PUBLIC KEY-----", "-----BEGIN RSA PUBLIC KEY-----")
                .replace("-----END PUBLIC KEY-----", "-----END RSA PUBLIC KEY-----");

        assertThatThrownBy(() -> TrustedKeys.parse(pkcs1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseRefusesGarbage() {
        assertThatThrownBy(() -> TrustedKeys.parse("garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedKeys.parse("-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedKeys.parse("{not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedKeys.parse("{\"keys\":[]}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedKeys.parse("{\"kty\":\"RSA\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedKeys.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseRefusesAnEcKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair ec = generator.generateKeyPair();

        assertThatThrownBy(() -> TrustedKeys.parse(pem(ec))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseReadsAPemKey() {
        TrustedKeys keys = TrustedKeys.parse(pemA);

        assertThat(keys.all()).containsExactly((RSAPublicKey) keyA.getPublic());
        assertThat(keys.byKid()).isEmpty();
    }

    @Test
    void parseReadsAJwkSetByKid() {
        TrustedKeys keys = TrustedKeys.parse(jwks(jwk(keyA, "key-a"), jwk(keyB, "key-b")));

        assertThat(keys.all()).hasSize(2);
        assertThat(keys.byKid().get("key-a").getModulus()).isEqualTo(((RSAPublicKey) keyA.getPublic()).getModulus());
        assertThat(keys.byKid().get("key-b").getModulus()).isEqualTo(((RSAPublicKey) keyB.getPublic()).getModulus());
    }

    @Test
    void theConstructorRefusesANullOrBlankIssuer() {
        TrustedKeys keys = TrustedKeys.parse(pemA);

        assertThatThrownBy(() -> new BearerTokenVerifier(keys, null, SKEW, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BearerTokenVerifier(keys, "", SKEW, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BearerTokenVerifier(keys, "  ", SKEW, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
