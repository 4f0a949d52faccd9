package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.schedule.OneAtATime;
import dev.cqrs.orders.platform.schedule.QuietRepeat;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Token buckets (Bucket4j), one per principal, for commands and for the opening of streams. Limits
 * come per role from MicroProfile Config: {@code cqrs.rate-limit.<role>.per-second} and {@code
 * cqrs.rate-limit.<role>.burst} (the bucket's size; default twice the rate). A role without a
 * configured rate is unlimited; a principal with several roles gets the most generous of them.
 *
 * <p>The buckets live in read_db (Bucket4j's PostgreSQL integration, one row per principal and
 * limit, locked with {@code SELECT ... FOR UPDATE} for the take), so the limit holds across every
 * instance behind a balancer, commands and stream openings spending from the same bucket. read_db
 * because both command and query instances have it. A take is its own short transaction (three round
 * trips), outside any JTA transaction: it runs in a request filter. The table is unlogged (db/read
 * V12): it comes back empty, every bucket full, after a PostgreSQL crash. When read_db cannot be
 * reached the limit lets requests through (logged): a read-side outage must not stop commands.
 * Buckets that would be full again are deleted every minute, on one instance at a time.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());
    private static final String TABLE = "rate_limit_buckets";
    private static final int EXPIRY_BATCH = 1000;

    /** A rate: {@code perSecond} tokens refilled each second, at most {@code burst} saved up. */
    public record Limit(long perSecond, long burst) {

        BucketConfiguration bucket() {
            return BucketConfiguration.builder()
                    .addLimit(l -> l.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
                    .build();
        }
    }

    private final Map<String, Limit> limitsByRole = new LinkedHashMap<>();

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final QuietRepeat.Outage outage = new QuietRepeat.Outage(LOG, "the shared rate limit (read_db; requests pass unlimited until it works again)");
    private volatile ScheduledFuture<?> expiry;

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
        LOG.info(() -> "rate limits per role (commands and stream openings, across all instances): " + limitsByRole
                + " (roles not named are unlimited)");
        buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(readDb)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(TABLE).idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        if (InstanceRoles.has(Role.COMMAND) || InstanceRoles.has(Role.QUERY)) {
            expiry = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "expiring rate-limit buckets",
                    () -> OneAtATime.run(readDb, OneAtATime.Job.RATE_LIMIT_EXPIRY, this::expire)), 1, 1, TimeUnit.MINUTES);
        }
    }

    @PreDestroy
    void stop() {
        if (expiry != null) {
            expiry.cancel(false);
        }
    }

    private void expire() {
        int removed;
        do {
            removed = buckets.removeExpired(EXPIRY_BATCH);
        } while (removed == EXPIRY_BATCH);
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
     * Takes one token from the principal's bucket. Answers 0 when there was one (or when read_db
     * could not be asked), else the nanoseconds until there will be.
     */
    public long tryTake(String principal, Limit limit) {
        ConsumptionProbe probe;
        try {
            probe = buckets.builder().build(principal + '\n' + limit.perSecond() + '/' + limit.burst(), limit::bucket)
                    .tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            outage.failed(e);
            return 0;
        }
        outage.worked();
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }
}
