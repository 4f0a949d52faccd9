package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/** The DESIGN.md answer shapes of commands: {@code {<x>_id, version}}, with 201 and Location on creation. */
public final class CommandResponses {

    private CommandResponses() {
    }

    public static Response created(UriInfo uriInfo, String collection, String idField, CommandResult result) {
        URI location = uriInfo.getBaseUriBuilder().path(collection).path(result.aggregateId().toString()).build();
        return Response.created(location).type(MediaType.APPLICATION_JSON_TYPE).entity(body(idField, result)).build();
    }

    public static Response ok(String idField, CommandResult result) {
        return Response.ok(body(idField, result), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Object body(String idField, CommandResult result) {
        return JsonSupport.object()
                .add(idField, result.aggregateId().toString())
                .add("version", result.version())
                .build();
    }
}
