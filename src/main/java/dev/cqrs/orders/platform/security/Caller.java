package dev.cqrs.orders.platform.security;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The authenticated caller of the current request, as resources and handlers need it for data
 * filtering: a caller whose only role is {@code customer} sees and changes their own orders and
 * user record only; what belongs to someone else answers exactly as if it did not exist (404),
 * so ids are never confirmed. The token's {@code sub} is the user id.
 */
@RequestScoped
public class Caller {

    @Inject
    JsonWebToken token;

    /** The token's subject: the caller's user id (a customer's {@code user_id}); {@code null} without one. */
    public String userId() {
        return hasToken() ? token.getSubject() : null;
    }

    /**
     * Whether every order and user is off limits to this caller except their own. True without a
     * token too: code that reaches a handler without an authenticated request sees nothing of anyone's.
     */
    public boolean isLimitedToOwnData() {
        Set<String> groups = hasToken() ? token.getGroups() : null;
        return groups == null || !(groups.contains(Roles.CLERK) || groups.contains(Roles.ADMIN));
    }

    private boolean hasToken() {
        try {
            return token != null && token.getRawToken() != null;
        } catch (RuntimeException noTokenInThisContext) {
            return false;
        }
    }

    /** Whether the caller may see or act on what belongs to the user {@code owner}. */
    public boolean mayAccess(UUID owner) {
        return !isLimitedToOwnData() || owner.toString().equals(userId());
    }
}
