package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /admin/read-cache}: this instance's read cache, its counts since the start ({@link ViewCache#counts}). */
@RolesAllowed(Roles.ADMIN)
@Path("admin/read-cache")
@Produces(MediaType.APPLICATION_JSON)
public class ReadCacheResource {

    @Inject
    ViewCache cache;

    @GET
    public JsonObject counts() {
        JsonObjectBuilder body = JsonSupport.object();
        cache.counts().forEach((name, value) -> {
            if (value instanceof Boolean flag) {
                body.add(name, flag);
            } else {
                body.add(name, ((Number) value).longValue());
            }
        });
        return body.build();
    }
}
