package dev.cqrs.orders.order.command;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.UnknownReferenceException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What an order needs to know of the catalog and the customers at the moment it is placed, read
 * from the write model in one round trip. The order side reads these tables but never writes them.
 */
@ApplicationScoped
public class OrderReferences {

    private static final String LOOKUP = """
            SELECT p.name, p.price, p.version, c.email, c.version
            FROM (SELECT 1) AS one
            LEFT JOIN products p ON p.product_id = ?
            LEFT JOIN customers c ON c.user_id = ?""";

    // JDBC on the write unit's data source: the same connection as the command's JPA work.
    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    /** The product and customer as they are now; 422 naming the field when either does not exist. */
    public Snapshot lookup(UUID productId, UUID userId) {
        // One row always: both sides are left joins on a one-row table.
        Object[] row = Jdbc.first(writeDb, "products and customers", LOOKUP, productId, userId).orElseThrow();
        if (row[0] == null) {
            throw new UnknownReferenceException("product_id", "product", productId);
        }
        if (row[3] == null) {
            throw new UnknownReferenceException("user_id", "user", userId);
        }
        return new Snapshot((String) row[0], (BigDecimal) row[1], ((Number) row[2]).intValue(),
                (String) row[3], ((Number) row[4]).intValue());
    }

    public record Snapshot(String productName, BigDecimal unitPrice, int productVersion,
                           String userEmail, int userVersion) {
    }
}
