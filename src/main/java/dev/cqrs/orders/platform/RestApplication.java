package dev.cqrs.orders.platform;

import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The API sits at the root of the application: {@code /orders}, {@code /products}, {@code /users}.
 * Resources are {@code @ApplicationScoped} CDI beans, so they are not constructed and injected
 * again for every request. Callers authenticate with MicroProfile JWT bearer tokens; the token's
 * {@code groups} are the roles that {@code @RolesAllowed} on the resources names. A CDI bean, so
 * that MicroProfile JWT implementations that look for {@code @LoginConfig} among the beans find it.
 */
@ApplicationScoped
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({Roles.CUSTOMER, Roles.CLERK, Roles.ADMIN})
public class RestApplication extends Application {
}
