package dev.cqrs.orders.order.command;

import dev.cqrs.orders.platform.json.JsonInput;
import java.util.Set;

/** Change a pending order's quantity: {@code PUT /orders/{id} {quantity}}. */
public record ChangeQuantityCommand(int quantity) {

    public static ChangeQuantityCommand from(JsonInput in) {
        in.allowOnly(Set.of("quantity"));
        Integer quantity = in.requiredInt("quantity", 1, Order.MAX_QUANTITY);
        in.validate();
        return new ChangeQuantityCommand(quantity);
    }
}
