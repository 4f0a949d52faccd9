package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.json.JsonInput;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.problem.ConflictException;
import dev.cqrs.orders.platform.roles.Role;
import dev.cqrs.orders.platform.roles.ServedBy;
import dev.cqrs.orders.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/**
 * {@code GET /admin/read-cache}: this instance's read cache, its counts since the start ({@link
 * ViewCache#counts}); {@code PUT} with {@code {"enabled": false}} turns it off on this instance
 * (everything kept dropped, reads from read_db) and {@code true} on again, until a restart: for an
 * operator who suspects it, and for bench/run's cache-off phase. 409 when the configuration has it
 * off ({@code cqrs.read-cache.enabled=false}).
 */
@RolesAllowed(Roles.ADMIN)
@ServedBy(Role.QUERY)
@Path("admin/read-cache")
@Produces(MediaType.APPLICATION_JSON)
public class ReadCacheResource {

    @Inject
    ViewCache cache;

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject switchOn(byte[] body) {
        JsonInput input = JsonInput.parse(body).allowOnly(Set.of("enabled"));
        Boolean on = input.requiredBoolean("enabled");
        input.validate();
        if (!cache.switchOn(on)) {
            throw new ConflictException("the read cache is off in the configuration (cqrs.read-cache.enabled=false):"
                    + " set it and restart to turn it on");
        }
        return counts();
    }

    @GET
    public JsonObject counts() {
        return JsonSupport.counts(cache.counts());
    }
}
