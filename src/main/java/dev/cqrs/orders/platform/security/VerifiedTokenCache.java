package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.Sha256;
import dev.cqrs.orders.platform.security.BearerTokenVerifier.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens this instance has verified, so that a client sending the same token on every request
 * pays the signature check once. Keyed by the SHA-256 of the whole token (so a token differing in
 * any byte is verified on its own); holds only tokens that passed every check (nothing an attacker
 * sends can fill it without a valid signature); an entry is used only before its {@code exp}
 * (stricter than verification, which allows the clock skew: a request after {@code exp} verifies
 * again) and after its {@code nbf}; at most {@code maxEntries} entries: inserting past the bound
 * first forgets the expired ones, then arbitrary ones. Per instance and in memory only; a restart
 * (a new key) starts empty.
 */
public final class VerifiedTokenCache {

    private final ConcurrentHashMap<Key, VerifiedToken> entries = new ConcurrentHashMap<>();
    private final int maxEntries;

    public VerifiedTokenCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("cqrs.jwt.cache.max-entries must be 0 (no cache) or more");
        }
        this.maxEntries = maxEntries;
    }

    /** The SHA-256 of a token, as the cache's key. */
    public static Key keyOf(String token) {
        return new Key(Sha256.of(token.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The verified token under {@code key}, if it is known and valid at {@code nowSeconds}. */
    public VerifiedToken get(Key key, long nowSeconds) {
        VerifiedToken token = entries.get(key);
        if (token == null) {
            return null;
        }
        if (nowSeconds >= token.expiresAt()) {
            entries.remove(key, token);
            return null;
        }
        return nowSeconds >= token.notBefore() ? token : null;
    }

    /** Keeps a token that {@link BearerTokenVerifier} accepted. */
    public void put(Key key, VerifiedToken token, long nowSeconds) {
        if (maxEntries == 0 || nowSeconds >= token.expiresAt()) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> nowSeconds >= entry.expiresAt());
            Iterator<Map.Entry<Key, VerifiedToken>> arbitrary = entries.entrySet().iterator();
            while (entries.size() >= maxEntries && arbitrary.hasNext()) {
                arbitrary.next();
                arbitrary.remove();
            }
        }
        entries.put(key, token);
    }

    public int size() {
        return entries.size();
    }

    /** A token's SHA-256, compared by content. */
    public record Key(byte[] sha256) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && MessageDigest.isEqual(sha256, key.sha256);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(sha256);
        }

        @Override
        public String toString() {
            return "Key[sha256]";
        }
    }
}
