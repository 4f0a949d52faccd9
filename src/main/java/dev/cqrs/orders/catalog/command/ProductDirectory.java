package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.catalog.api.Products;
import dev.cqrs.orders.platform.persistence.CommandConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;

/** The catalog's answer to {@link Products}: one read of {@code products}, on the command's connection. */
@ApplicationScoped
public class ProductDirectory implements Products {

    // Inside a command's JTA transaction, the command's connection.
    @Inject
    CommandConnection connection;

    @Override
    public Optional<Product> current(UUID productId) {
        return connection.first("product " + productId, "SELECT name, price, version FROM products WHERE product_id = ?",
                productId).map(row -> new Product(productId, (String) row[0], (BigDecimal) row[1], ((Number) row[2]).intValue()));
    }
}
