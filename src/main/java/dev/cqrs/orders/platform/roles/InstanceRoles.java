package dev.cqrs.orders.platform.roles;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * This instance's roles, read once from MP Config {@code cqrs.roles} (env {@code CQRS_ROLES}): a comma
 * list of {@code command}, {@code query}, {@code projector}; unset (or empty, which MP Config reads as
 * unset) means all three. A name that is none of them stops the deployment with a message naming the
 * value: an instance that silently did nothing would be worse.
 */
public final class InstanceRoles {

    public static final String PROPERTY = "cqrs.roles";

    private static volatile Set<Role> roles;

    private InstanceRoles() {
    }

    /** Whether this instance has {@code role}. */
    public static boolean has(Role role) {
        return all().contains(role);
    }

    /** This instance's roles, in {@link Role} order. */
    public static Set<Role> all() {
        Set<Role> known = roles;
        if (known == null) {
            known = parse(ConfigProvider.getConfig().getOptionalValue(PROPERTY, String.class).orElse(null));
            roles = known;
        }
        return known;
    }

    /** The labels of this instance's roles, comma-separated ({@code command,query,projector}). */
    public static String labels() {
        return all().stream().map(Role::label).collect(Collectors.joining(","));
    }

    static Set<Role> parse(String value) {
        if (value == null || value.isBlank()) {
            return Collections.unmodifiableSet(EnumSet.allOf(Role.class));
        }
        EnumSet<Role> parsed = EnumSet.noneOf(Role.class);
        for (String item : value.split(",", -1)) {
            String name = item.trim().toLowerCase(Locale.ROOT);
            Role role = Arrays.stream(Role.values()).filter(r -> r.label().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(PROPERTY + " = '" + value + "': '" + item.trim()
                            + "' is not a role (command, query, projector, comma-separated)"));
            parsed.add(role);
        }
        return Collections.unmodifiableSet(parsed);
    }
}
