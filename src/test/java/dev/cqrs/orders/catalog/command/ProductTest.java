package dev.cqrs.orders.catalog.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cqrs.orders.catalog.events.ProductAddedEvent;
import dev.cqrs.orders.catalog.events.ProductChangedEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Given a product's events, when a change comes, expect one event and one version. */
class ProductTest {

    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final ProductAddedEvent ADDED = new ProductAddedEvent(ID, "Beans", new BigDecimal("12.50"));

    @Test
    void aRenameKeepsThePrice() {
        Product product = Product.fromHistory(ADDED, List.of());
        assertEquals(new ProductChangedEvent(ID, "Dark beans", new BigDecimal("12.50"), true, false),
                product.change("Dark beans", null));
        assertEquals(2, product.version());
        assertEquals("Dark beans", product.name());
    }

    @Test
    void aRepriceKeepsTheName() {
        Product product = Product.fromHistory(ADDED, List.of());
        assertEquals(new ProductChangedEvent(ID, "Beans", new BigDecimal("9.99"), false, true),
                product.change(null, new BigDecimal("9.99")));
        assertEquals(new BigDecimal("9.99"), product.price());
    }

    @Test
    void bothAtOnceAreOneEventAndOneVersion() {
        Product product = Product.fromHistory(ADDED,
                List.of(new ProductChangedEvent(ID, "Old", new BigDecimal("1.00"), true, true)));
        assertEquals(2, product.version());
        assertEquals(new ProductChangedEvent(ID, "New", new BigDecimal("2.00"), true, true),
                product.change("New", new BigDecimal("2.00")));
        assertEquals(3, product.version());
    }

    @Test
    void aChangeOfNothingIsRefused() {
        Product product = Product.fromHistory(ADDED, List.of());
        assertThrows(IllegalArgumentException.class, () -> product.change(null, null));
        assertEquals(1, product.version());
    }
}
