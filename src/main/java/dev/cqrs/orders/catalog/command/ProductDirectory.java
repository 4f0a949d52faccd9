package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.catalog.api.Products;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The catalog's answer to {@link Products}: one read of {@code products}, on the command's connection. */
@ApplicationScoped
public class ProductDirectory implements Products {

    // JDBC on the write unit's data source: inside a command's JTA transaction, the same connection.
    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Override
    public Optional<Product> current(UUID productId) {
        return Jdbc.first(writeDb, "product " + productId, "SELECT name, price, version FROM products WHERE product_id = ?",
                productId).map(row -> new Product(productId, (String) row[0], (BigDecimal) row[1], ((Number) row[2]).intValue()));
    }
}
