package dev.cqrs.orders.order.command;

import dev.cqrs.orders.catalog.api.Products;
import dev.cqrs.orders.customer.api.Customers;
import dev.cqrs.orders.platform.problem.UnknownReferenceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * What an order needs to know of the catalog and the customers at the moment it is placed, asked of
 * those features ({@link Products}, {@link Customers}) in the command's transaction: the order side
 * never reads their tables itself.
 */
@ApplicationScoped
public class OrderReferences {

    @Inject
    Products products;

    @Inject
    Customers customers;

    /** The product and customer as they are now; 422 naming the field when either does not exist. */
    public Snapshot lookup(UUID productId, UUID userId) {
        Products.Product product = products.current(productId)
                .orElseThrow(() -> new UnknownReferenceException("product_id", "product", productId));
        Customers.Customer customer = customers.current(userId)
                .orElseThrow(() -> new UnknownReferenceException("user_id", "user", userId));
        return new Snapshot(product.name(), product.price(), product.version(), customer.email(), customer.version());
    }

    public record Snapshot(String productName, BigDecimal unitPrice, int productVersion,
                           String userEmail, int userVersion) {
    }
}
