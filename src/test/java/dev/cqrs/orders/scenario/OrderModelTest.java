package dev.cqrs.orders.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.scenario.OrderModel.OrderAction;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The tests' model refuses what the service must never have acknowledged. */
class OrderModelTest {

    private final OrderModel model = new OrderModel();

    OrderModelTest() {
        model.productAdded("p", 1, "Tea", new BigDecimal("2.50"));
        model.userRegistered("u", 1, "u@example.com");
        model.orderPlaced("o", 1, "u", "p", 2);
    }

    @Test
    void foldsAcknowledgedChangesAtTheirVersions() {
        model.orderChanged("o", 2, OrderAction.QUANTITY, 3);
        model.productChanged("p", 2, null, new BigDecimal("9.00"));
        model.orderChanged("o", 3, OrderAction.CONFIRM, 0);
        assertEquals(new BigDecimal("7.50"), model.order("o").total(), "the price captured at placement");
        assertEquals("PENDING", model.statusAt("o", 2), "status at version 2");
        assertEquals("CONFIRMED", model.statusAt("o", 3), "status at version 3");
    }

    @Test
    void aVersionToldTwiceIsALostUpdate() {
        model.orderChanged("o", 2, OrderAction.QUANTITY, 3);
        AssertionError lost = assertThrows(AssertionError.class, () -> model.orderChanged("o", 2, OrderAction.CONFIRM, 0));
        assertTrue(lost.getMessage().contains("lost update"), "the message names a lost update: " + lost.getMessage());
    }

    @Test
    void aSkippedVersionAndAForbiddenTransitionFail() {
        assertThrows(AssertionError.class, () -> model.emailChanged("u", 3, "v@example.com"), "version 3 after 1");
        model.orderChanged("o", 2, OrderAction.CANCEL, 0);
        assertThrows(AssertionError.class, () -> model.orderChanged("o", 3, OrderAction.SHIP, 0), "ship a cancelled order");
        assertThrows(AssertionError.class, () -> model.statusAt("o", 3), "a version the order never reached");
    }
}
