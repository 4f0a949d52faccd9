package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.platform.json.JsonInput;
import java.math.BigDecimal;
import java.util.Set;

/** Add a product to the catalog at a unit price. */
public record AddProductCommand(String name, BigDecimal price) {

    public static AddProductCommand from(JsonInput in) {
        in.allowOnly(Set.of("name", "price"));
        String name = name(in, true);
        BigDecimal price = in.requiredDecimal("price", BigDecimal.ZERO, Product.MAX_PRICE, 2);
        in.validate();
        return new AddProductCommand(name, price);
    }

    /** The {@code name} field: at most 200 characters from {@link Product#isAllowedName}'s list. */
    static String name(JsonInput in, boolean isRequired) {
        String name = isRequired ? in.requiredText("name", Product.MAX_NAME_LENGTH)
                : in.optionalText("name", Product.MAX_NAME_LENGTH);
        if (name != null && !Product.isAllowedName(name)) {
            return in.reject("name", "may hold letters, digits, spaces and . , ' & ( ) / + # - only");
        }
        return name;
    }
}
