package dev.cqrs.orders.platform.security;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Token buckets (Bucket4j), one per principal, for commands. Limits come per role from MicroProfile
 * Config: {@code cqrs.rate-limit.<role>.per-second} and {@code cqrs.rate-limit.<role>.burst}
 * (the bucket's size; default twice the rate). A role without a configured rate is unlimited;
 * a principal with several roles gets the most generous of them. Buckets live in this process:
 * with several instances behind a balancer, each one grants the full rate.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());
    private static final int SWEEP_ABOVE = 10_000;

    /** A rate: {@code perSecond} tokens refilled each second, at most {@code burst} saved up. */
    public record Limit(long perSecond, long burst) {
    }

    private final Map<String, Limit> limitsByRole = new LinkedHashMap<>();
    /** A principal's bucket and the limit it was made with. */
    private record Metered(Bucket bucket, Limit limit) {

        boolean isFull() {
            return bucket.getAvailableTokens() >= limit.burst();
        }
    }

    private final ConcurrentHashMap<String, Metered> buckets = new ConcurrentHashMap<>();

    @PostConstruct
    void readLimits() {
        Config config = ConfigProvider.getConfig();
        for (String role : List.of(Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN)) {
            Optional<Long> rate = config.getOptionalValue("cqrs.rate-limit." + role + ".per-second", Long.class);
            if (rate.isPresent() && rate.get() > 0) {
                long burst = config.getOptionalValue("cqrs.rate-limit." + role + ".burst", Long.class)
                        .filter(b -> b > 0).orElse(rate.get() * 2);
                limitsByRole.put(role, new Limit(rate.get(), burst));
            }
        }
        LOG.info(() -> "command rate limits per role: " + limitsByRole + " (roles not named are unlimited)");
    }

    /** The limit of a caller holding the roles {@code inRole} accepts; empty when unlimited. */
    public Optional<Limit> limitFor(Predicate<String> inRole) {
        Limit best = null;
        for (String role : List.of(Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN)) {
            if (!inRole.test(role)) {
                continue;
            }
            Limit limit = limitsByRole.get(role);
            if (limit == null) {
                return Optional.empty();
            }
            if (best == null || limit.perSecond() > best.perSecond()) {
                best = limit;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Takes one token from the principal's bucket. Answers 0 when there was one, else the
     * nanoseconds until there will be.
     */
    public long tryTake(String principal, Limit limit) {
        if (buckets.size() > SWEEP_ABOVE) {
            // Full buckets are the same as new ones: forget them (each against its own limit).
            buckets.values().removeIf(Metered::isFull);
        }
        Metered metered = buckets.computeIfAbsent(principal + '\n' + limit, k -> new Metered(Bucket.builder()
                .addLimit(l -> l.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
                .build(), limit));
        ConsumptionProbe probe = metered.bucket().tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }
}
