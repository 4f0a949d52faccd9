package dev.cqrs.orders.platform;

import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The API sits at the root of the application: {@code /orders}, {@code /products}, {@code /users}.
 * Resources are {@code @ApplicationScoped} CDI beans, so they are not constructed and injected
 * again for every request. Callers authenticate with MicroProfile JWT bearer tokens, which the
 * application's own {@code BearerTokenMechanism} (Jakarta Security) verifies; the token's
 * {@code groups} are the roles that {@code @RolesAllowed} on the resources names.
 */
@ApplicationScoped
@ApplicationPath("/")
@DeclareRoles({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
public class RestApplication extends Application {
}
