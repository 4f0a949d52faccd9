package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.PathIds;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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

    @GET
    public JsonObject list(@QueryParam("user_id") String userId, @QueryParam("product_id") String productId,
                           @QueryParam("status") String status, @QueryParam("created_from") String createdFrom,
                           @QueryParam("created_to") String createdTo, @QueryParam("limit") String limit,
                           @QueryParam("cursor") String cursor) {
        OrderQueryService.Page page = orders.list(
                OrderListQuery.of(userId, productId, status, createdFrom, createdTo, limit, cursor));
        JsonArrayBuilder items = JsonSupport.array();
        page.items().forEach(view -> items.add(view.toJson()));
        JsonObjectBuilder body = JsonSupport.object().add("items", items);
        if (page.next() != null) {
            body.add("next_cursor", page.next().encode());
        } else {
            body.addNull("next_cursor");
        }
        return body.build();
    }
}
