package dev.cqrs.orders.platform.security;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Enforces {@code @RolesAllowed}, {@code @PermitAll} and {@code @DenyAll} on the resources, the same
 * way on every server. Jakarta REST leaves that to the implementation and each does it differently
 * (Jersey with a feature Payara registers for MicroProfile JWT; RESTEasy only when a context
 * parameter turns it on, and then answering 403 where the caller is not authenticated at all).
 * Here: {@code @DenyAll} is a 403 for everyone; otherwise no authenticated caller is a 401 (the
 * mapper adds {@code WWW-Authenticate: Bearer}) and a caller in none of the roles a 403. An
 * annotation on the method wins over one on the class; a method with neither is open. Decided once
 * per resource method when the application starts.
 */
@Provider
public class RolesAllowedFeature implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        AnnotatedElement decisive = hasRule(method) ? method : resource.getResourceClass();
        if (decisive.isAnnotationPresent(DenyAll.class)) {
            context.register(new Check(List.of()), Priorities.AUTHORIZATION);
        } else if (decisive.isAnnotationPresent(RolesAllowed.class)) {
            context.register(new Check(List.of(decisive.getAnnotation(RolesAllowed.class).value())), Priorities.AUTHORIZATION);
        }
    }

    private static boolean hasRule(AnnotatedElement element) {
        return element.isAnnotationPresent(RolesAllowed.class) || element.isAnnotationPresent(PermitAll.class)
                || element.isAnnotationPresent(DenyAll.class);
    }

    /** The check of one resource method: any of {@code roles} (none: nobody). */
    static final class Check implements ContainerRequestFilter {

        private final List<String> roles;

        Check(List<String> roles) {
            this.roles = roles;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (roles.isEmpty()) {
                throw new ForbiddenException();
            }
            SecurityContext security = request.getSecurityContext();
            if (security == null || security.getUserPrincipal() == null) {
                throw new NotAuthorizedException("Bearer");
            }
            for (String role : roles) {
                if (security.isUserInRole(role)) {
                    return;
                }
            }
            throw new ForbiddenException();
        }
    }
}
