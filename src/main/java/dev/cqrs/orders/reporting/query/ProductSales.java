package dev.cqrs.orders.reporting.query;

import dev.cqrs.orders.readmodel.ViewTable;
import java.math.BigDecimal;
import java.util.UUID;

/** A row of {@code product_sales}: what a product sold. */
record ProductSales(UUID productId, long unitsSold, BigDecimal revenue) {

    static final ViewTable<ProductSales> TABLE = ViewTable.counters("product_sales", ProductSales.class);
}
