package dev.cqrs.orders.platform.faults;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The mechanisms behind DESIGN.md's promises 1-4, each of which the fault suite must catch when it
 * is missing. {@code cqrs.unsafe.disable} (a comma-separated list, empty by default) turns them off
 * for that proof and for nothing else; the application logs a SEVERE line at start when it does.
 * <ul>
 *   <li>{@code transactional-publish}: events go to the broker straight after the commit, once,
 *       instead of through the outbox (a crash or a broker outage then loses them);</li>
 *   <li>{@code dedupe}: no duplicate id on messages, and projections apply an event they have
 *       already applied;</li>
 *   <li>{@code ordering}: projections apply an order's events as they come, past gaps and past
 *       parked predecessors.</li>
 * </ul>
 */
@ApplicationScoped
public class SafetySwitches {

    private static final Logger LOG = Logger.getLogger(SafetySwitches.class.getName());
    private static final Set<String> KNOWN = Set.of("transactional-publish", "dedupe", "ordering");

    @Inject
    @ConfigProperty(name = "cqrs.unsafe.disable", defaultValue = " ")
    String disable;

    private Set<String> disabled = Set.of();

    @PostConstruct
    void read() {
        disabled = Arrays.stream(disable.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        for (String name : disabled) {
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("cqrs.unsafe.disable: unknown mechanism '" + name + "', known: " + KNOWN);
            }
        }
        if (!disabled.isEmpty()) {
            LOG.severe("UNSAFE: cqrs.unsafe.disable=" + disabled + ": promises of DESIGN.md do not hold (fault-suite use only)");
        }
    }

    public boolean transactionalPublish() {
        return !disabled.contains("transactional-publish");
    }

    public boolean dedupe() {
        return !disabled.contains("dedupe");
    }

    public boolean ordering() {
        return !disabled.contains("ordering");
    }
}
