package dev.cqrs.orders.platform.roles;

import dev.cqrs.orders.platform.problem.Problems;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/**
 * Answers {@code 404} problem+json ({@code urn:cqrs-orders:problem:not-served}) for every method of a
 * {@link ServedBy} resource whose role this instance does not have, before authentication and rate
 * limiting: a {@code query} instance has no command endpoints, a {@code command} instance no view
 * endpoints. 404 and not 405: the resource is not here at all (RFC 9110 §15.5.5), and a 405 would owe
 * an {@code Allow} listing methods that another instance serves. A load balancer routes by method and
 * path so that clients never see it (docs/scaling.md).
 */
@Provider
public class RoleGate implements DynamicFeature {

    /** Before everything else of ours (authentication is 1000). */
    static final int PRIORITY = 100;

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        ServedBy servedBy = resource.getResourceClass().getAnnotation(ServedBy.class);
        if (servedBy != null && !InstanceRoles.has(servedBy.value())) {
            context.register(new NotServed(servedBy.value()), PRIORITY);
        }
    }

    /** The answer of a resource this instance does not serve. */
    static final class NotServed implements ContainerRequestFilter {

        private final Role role;

        NotServed(Role role) {
            this.role = role;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            request.abortWith(Problems.response(404, "not-served", "Not served by this instance",
                    "this instance has the roles " + InstanceRoles.labels() + "; " + request.getMethod() + " /"
                            + request.getUriInfo().getPath().replaceFirst("^/", "") + " belongs to a "
                            + role.label() + " instance", List.of()));
        }
    }
}
