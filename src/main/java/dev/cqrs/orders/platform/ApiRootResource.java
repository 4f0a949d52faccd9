package dev.cqrs.orders.platform;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.roles.InstanceRoles;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /}: where the collections are. No database work, so it also measures what the HTTP
 * stack alone costs (the benchmarks' ceiling for every endpoint). Readiness is not linked: where it
 * is served depends on the server (Payara Micro: {@code /health/ready} on this port; WildFly: on
 * its management interface, README "Servers"). {@code roles}: what this instance serves and runs
 * ({@code cqrs.roles}, docs/scaling.md).
 */
@ApplicationScoped
@PermitAll
@Path("")
public class ApiRootResource {

    private volatile JsonObject links;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject links() {
        JsonObject answer = links;
        if (answer == null) {
            JsonArrayBuilder roles = JsonSupport.array();
            InstanceRoles.all().forEach(role -> roles.add(role.label()));
            answer = JsonSupport.object()
                    .add("orders", "/orders")
                    .add("products", "/products")
                    .add("users", "/users")
                    .add("openapi", "/openapi")
                    .add("roles", roles)
                    .build();
            links = answer;
        }
        return answer;
    }
}
