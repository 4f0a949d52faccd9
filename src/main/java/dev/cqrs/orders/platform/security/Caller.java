package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.security.BearerTokenVerifier.VerifiedToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated caller of the current request, as resources and handlers need it for data
 * filtering: a caller whose only role is {@code customer} sees and changes their own orders and
 * user record only; what belongs to someone else answers exactly as if it did not exist (404),
 * so ids are never confirmed. The token's {@code sub} is the user id.
 */
@RequestScoped
public class Caller {

    @Inject
    HttpServletRequest request;

    /** The token's subject: the caller's user id (a customer's {@code user_id}); {@code null} without one. */
    public String userId() {
        VerifiedToken token = token();
        return token == null ? null : token.subject();
    }

    /**
     * Whether every order and user is off limits to this caller except their own. True without a
     * token too: code that reaches a handler without an authenticated request sees nothing of anyone's.
     */
    public boolean isLimitedToOwnData() {
        VerifiedToken token = token();
        Set<String> groups = token == null ? Set.of() : token.groups();
        return !(groups.contains(Roles.CLERK) || groups.contains(Roles.ADMIN));
    }

    /** What {@link BearerTokenMechanism} verified for this request; {@code null} outside a request or without a token. */
    private VerifiedToken token() {
        try {
            return request.getAttribute(BearerTokenMechanism.TOKEN_ATTRIBUTE) instanceof VerifiedToken token ? token : null;
        } catch (RuntimeException noRequestInThisContext) {
            return null;
        }
    }

    /** Whether the caller may see or act on what belongs to the user {@code owner}. */
    public boolean mayAccess(UUID owner) {
        return access().mayAccess(owner);
    }

    /** The same answers, fixed now: for work that goes on after the request's thread (an answer that waits). */
    public Access access() {
        return new Access(userId(), isLimitedToOwnData());
    }

    /** What the caller may see, as {@link Caller} answered it when taken. */
    public record Access(String userId, boolean limitedToOwnData) {

        public boolean mayAccess(UUID owner) {
            return !limitedToOwnData || owner.toString().equals(userId);
        }
    }
}
