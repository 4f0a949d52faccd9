package dev.cqrs.orders.order.query;

import dev.cqrs.orders.readmodel.ViewTable;
import java.util.UUID;

/**
 * The newest product name and customer e-mail the order views know from the catalog's and
 * customers' own events, with the version each belongs to (0: no event yet, the row exists for its
 * lock). An {@code OrderPlaced} carries the name and e-mail it saw with their versions, and its view
 * shows whichever is newer.
 */
final class References {

    /** A row of {@code product_refs}. */
    record ProductRef(UUID productId, String name, int version) {
    }

    /** A row of {@code customer_refs}. */
    record CustomerRef(UUID userId, String email, int version) {
    }

    static final ViewTable<ProductRef> PRODUCTS = ViewTable.rows("product_refs", ProductRef.class);
    static final ViewTable<CustomerRef> CUSTOMERS = ViewTable.rows("customer_refs", CustomerRef.class);

    private References() {
    }
}
