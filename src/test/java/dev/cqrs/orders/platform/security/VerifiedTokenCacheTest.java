package dev.cqrs.orders.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cqrs.orders.platform.security.BearerTokenVerifier.VerifiedToken;
import dev.cqrs.orders.platform.security.VerifiedTokenCache.Key;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {

    private static final long NOW = 1_700_000_000L;

    private static VerifiedToken token(String subject, long expiresAt) {
        return token(subject, expiresAt, Long.MIN_VALUE);
    }

    private static VerifiedToken token(String subject, long expiresAt, long notBefore) {
        return new VerifiedToken(subject, subject, Set.of("order-clerk"), expiresAt, notBefore);
    }

    private static Key key(String token) {
        return VerifiedTokenCache.keyOf(token);
    }

    @Test
    void getAfterPutReturnsTheTokenBeforeExp() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        VerifiedToken alice = token("alice", NOW + 300);

        cache.put(key("token-alice"), alice, NOW);

        assertThat(cache.get(key("token-alice"), NOW)).isSameAs(alice);
        assertThat(cache.get(key("token-alice"), NOW + 299)).isSameAs(alice);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void anUnknownKeyIsNotFound() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        cache.put(key("token-alice"), token("alice", NOW + 300), NOW);

        assertThat(cache.get(key("token-bob"), NOW)).isNull();
    }

    @Test
    void atExpTheTokenIsNotReturnedAndTheEntryIsGone() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        cache.put(key("token-alice"), token("alice", NOW + 300), NOW);

        assertThat(cache.get(key("token-alice"), NOW + 300)).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void afterExpTheTokenIsNotReturnedAndTheEntryIsGone() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        cache.put(key("token-alice"), token("alice", NOW + 300), NOW);

        assertThat(cache.get(key("token-alice"), NOW + 3600)).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void beforeNbfTheTokenIsNotReturned() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        VerifiedToken notYet = token("alice", NOW + 300, NOW + 30);
        cache.put(key("token-alice"), notYet, NOW);

        assertThat(cache.get(key("token-alice"), NOW)).isNull();
        assertThat(cache.get(key("token-alice"), NOW + 29)).isNull();
        assertThat(cache.get(key("token-alice"), NOW + 30)).isSameAs(notYet);
    }

    @Test
    void anAlreadyExpiredTokenIsNotKept() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);

        cache.put(key("token-at-exp"), token("alice", NOW), NOW);
        cache.put(key("token-past-exp"), token("bob", NOW - 10), NOW);

        assertThat(cache.size()).isZero();
        assertThat(cache.get(key("token-at-exp"), NOW - 1)).isNull();
        assertThat(cache.get(key("token-past-exp"), NOW - 20)).isNull();
    }

    @Test
    void zeroMaxEntriesKeepsNothing() {
        VerifiedTokenCache cache = new VerifiedTokenCache(0);

        cache.put(key("token-alice"), token("alice", NOW + 300), NOW);

        assertThat(cache.size()).isZero();
        assertThat(cache.get(key("token-alice"), NOW)).isNull();
    }

    @Test
    void negativeMaxEntriesIsRefused() {
        assertThatThrownBy(() -> new VerifiedTokenCache(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pastTheBoundTheExpiredEntriesAreForgottenFirst() {
        VerifiedTokenCache cache = new VerifiedTokenCache(3);
        VerifiedToken shortLived = token("short", NOW + 10);
        VerifiedToken bob = token("bob", NOW + 300);
        VerifiedToken carol = token("carol", NOW + 300);
        cache.put(key("token-short"), shortLived, NOW);
        cache.put(key("token-bob"), bob, NOW);
        cache.put(key("token-carol"), carol, NOW);
        assertThat(cache.size()).isEqualTo(3);

        VerifiedToken dave = token("dave", NOW + 300);
        cache.put(key("token-dave"), dave, NOW + 20);

        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.get(key("token-bob"), NOW + 20)).isSameAs(bob);
        assertThat(cache.get(key("token-carol"), NOW + 20)).isSameAs(carol);
        assertThat(cache.get(key("token-dave"), NOW + 20)).isSameAs(dave);
        // the short-lived token was dropped by put, not only hidden by get: a lookup before its exp misses
        assertThat(cache.get(key("token-short"), NOW)).isNull();
    }

    @Test
    void pastTheBoundWithNoneExpiredTheSizeStaysWithinTheBound() {
        VerifiedTokenCache cache = new VerifiedTokenCache(3);

        for (int i = 0; i < 4; i++) {
            cache.put(key("token-" + i), token("user-" + i, NOW + 300), NOW);
        }

        assertThat(cache.size()).isLessThanOrEqualTo(3).isPositive();
        assertThat(cache.get(key("token-3"), NOW)).as("the token just put").isNotNull();

        for (int i = 4; i < 50; i++) {
            cache.put(key("token-" + i), token("user-" + i, NOW + 300), NOW);
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.get(key("token-49"), NOW)).isNotNull();
    }

    @Test
    void keysOfTokensDifferingInOneCharacterDiffer() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        String other = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJf";

        assertThat(key(token)).isNotEqualTo(key(other));
    }

    @Test
    void keysOfTheSameTokenAreEqual() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        Key first = key(token);
        Key second = key(new String(token.toCharArray()));

        assertThat(first).isNotSameAs(second).isEqualTo(second);
        assertThat(first.hashCode()).isEqualTo(second.hashCode());
    }

    @Test
    void aTokenIsFoundUnderTheKeyOfAnEqualString() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        VerifiedToken alice = token("alice", NOW + 300);
        cache.put(key("header.claims.signature"), alice, NOW);

        assertThat(cache.get(key(new String("header.claims.signature".toCharArray())), NOW)).isSameAs(alice);
        assertThat(cache.get(key("header.claims.signaturf"), NOW)).isNull();
    }
}
