package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.platform.json.JsonInput;
import java.math.BigDecimal;
import java.util.Set;

/** Rename and/or reprice a product: {@code PUT /products/{id} {name?, price?}}, at least one of them. */
public record ChangeProductCommand(String name, BigDecimal price) {

    public static ChangeProductCommand from(JsonInput in) {
        in.allowOnly(Set.of("name", "price"));
        if (!in.has("name") && !in.has("price")) {
            in.reject("name", "name or price is required");
            in.reject("price", "name or price is required");
        }
        String name = AddProductCommand.name(in, false);
        BigDecimal price = in.optionalDecimal("price", BigDecimal.ZERO, Product.MAX_PRICE, 2);
        in.validate();
        return new ChangeProductCommand(name, price);
    }
}
