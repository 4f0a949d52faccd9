package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@ApplicationScoped
@Path("orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderQueryResource {

    @Inject
    OrderQueryService orders;

    @GET
    @Path("{order_id}")
    public JsonObject get(@PathParam("order_id") String orderId) {
        return orders.find(PathIds.uuid("order_id", orderId))
                .map(OrderView::toJson)
                .orElseThrow(() -> new AggregateNotFoundException("order", orderId));
    }
}
