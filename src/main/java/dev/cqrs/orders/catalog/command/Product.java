package dev.cqrs.orders.catalog.command;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * A product of the catalog, as the write side keeps it: the fold of its events. Its version is its
 * event sequence; concurrent commands on one product are serialized by the handler's row lock.
 */
@Entity
@Table(name = "products")
public class Product {

    public static final int MAX_NAME_LENGTH = 200;

    /**
     * What a product name may hold: letters and their accents in any script, digits, spaces and
     * {@code . , ' & ( ) / + # -}. An allow-list: markup, template and query syntax never gets in.
     */
    public static boolean isAllowedName(String name) {
        return name.codePoints().allMatch(c -> Character.isLetterOrDigit(c) || c == ' '
                || Character.getType(c) == Character.NON_SPACING_MARK || Character.getType(c) == Character.COMBINING_SPACING_MARK
                || ".,'&()/+#-".indexOf(c) >= 0);
    }
    public static final BigDecimal MAX_PRICE = new BigDecimal("1000000.00");

    @Id
    @Column(name = "product_id")
    private UUID id;

    private String name;

    private BigDecimal price;

    private int version;

    protected Product() {
    }

    public static Product add(ProductAddedEvent added) {
        Product product = new Product();
        product.id = added.productId();
        product.name = added.name();
        product.price = added.price();
        product.version = 1;
        return product;
    }

    /**
     * Renames and/or reprices the product (a {@code null} leaves that one as it is): one event,
     * one version, whatever changed.
     */
    public ProductChangedEvent change(String newName, BigDecimal newPrice) {
        if (newName == null && newPrice == null) {
            throw new IllegalArgumentException("a change needs a name or a price");
        }
        ProductChangedEvent event = new ProductChangedEvent(id, newName != null ? newName : name,
                newPrice != null ? newPrice : price, newName != null, newPrice != null);
        apply(event);
        return event;
    }

    /** The product as its events make it. */
    public static Product fromHistory(ProductAddedEvent added, List<ProductChangedEvent> changes) {
        Product product = add(added);
        changes.forEach(product::apply);
        return product;
    }

    private void apply(ProductChangedEvent changed) {
        name = changed.name();
        price = changed.price();
        version++;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public BigDecimal price() {
        return price;
    }

    public int version() {
        return version;
    }
}
