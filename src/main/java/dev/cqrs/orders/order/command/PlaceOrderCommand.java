package dev.cqrs.orders.order.command;

import dev.cqrs.orders.platform.json.JsonInput;
import java.util.Set;
import java.util.UUID;

/** Place an order of {@code quantity} units of a product for a customer. */
public record PlaceOrderCommand(UUID userId, UUID productId, int quantity) {

    public static PlaceOrderCommand from(JsonInput in) {
        in.allowOnly(Set.of("user_id", "product_id", "quantity"));
        UUID userId = in.requiredUuid("user_id");
        UUID productId = in.requiredUuid("product_id");
        Integer quantity = in.requiredInt("quantity", 1, Order.MAX_QUANTITY);
        in.validate();
        return new PlaceOrderCommand(userId, productId, quantity);
    }
}
