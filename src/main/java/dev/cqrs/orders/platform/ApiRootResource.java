package dev.cqrs.orders.platform;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /}: where the collections are. No database work, so it also measures what the HTTP
 * stack alone costs (the benchmarks' ceiling for every endpoint). Readiness is not linked: where it
 * is served depends on the server (Payara Micro: {@code /health/ready} on this port; WildFly: on
 * its management interface, README "Servers").
 */
@ApplicationScoped
@PermitAll
@Path("")
public class ApiRootResource {

    private static final JsonObject LINKS = JsonSupport.object()
            .add("orders", "/orders")
            .add("products", "/products")
            .add("users", "/users")
            .add("openapi", "/openapi")
            .build();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject links() {
        return LINKS;
    }
}
