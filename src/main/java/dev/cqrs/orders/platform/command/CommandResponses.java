package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.ws.rs.core.EntityTag;
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
        return Response.created(location).type(MediaType.APPLICATION_JSON_TYPE).tag(tag(result))
                .entity(body(idField, result)).build();
    }

    public static Response ok(String idField, CommandResult result) {
        return Response.ok(body(idField, result), MediaType.APPLICATION_JSON_TYPE).tag(tag(result)).build();
    }

    /** The new version as an entity tag: what the next command's If-Match names. */
    private static EntityTag tag(CommandResult result) {
        return new EntityTag(Integer.toString(result.version()));
    }

    private static Object body(String idField, CommandResult result) {
        return JsonSupport.object()
                .add(idField, result.aggregateId().toString())
                .add("version", result.version())
                .build();
    }
}
