package dev.cqrs.orders.catalog.api;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;

/**
 * What the catalog tells other features' commands about a product, as it is now in the write model
 * (in the caller's transaction). The catalog's tables stay its own: other features ask here.
 */
public interface Products {

    /** A product as it is now: its name, price and version. */
    record Product(UUID productId, String name, BigDecimal price, int version) {
    }

    Optional<Product> current(UUID productId);
}
