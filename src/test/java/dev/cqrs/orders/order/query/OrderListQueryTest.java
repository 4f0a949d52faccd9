package dev.cqrs.orders.order.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OrderListQueryTest {

    private static List<String> refused(String userId, String productId, String status, String from, String to,
                                        String limit, String cursor) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> OrderListQuery.of(userId, productId, status, from, to, limit, cursor));
        return e.errors().stream().map(FieldError::field).collect(Collectors.toList());
    }

    @Test
    void aCursorComesBackAsItWentOut() {
        OrderListQuery.Cursor cursor = new OrderListQuery.Cursor(Instant.parse("2026-11-27T10:15:30.123456Z"),
                UUID.randomUUID());
        OrderListQuery query = OrderListQuery.of(null, null, null, null, null, "5", cursor.encode());
        assertEquals(cursor, query.after());
        assertEquals(5, query.limit());
        assertEquals("WHERE true AND (created_at, order_id) < (?, ?) ORDER BY created_at DESC, order_id DESC LIMIT ?",
                query.sql());
        assertArrayEquals(new Object[] {cursor.createdAt(), cursor.orderId(), 6}, query.parameters());
    }

    @Test
    void everyFilterTakesItsParameterInOrder() {
        UUID user = UUID.randomUUID();
        UUID product = UUID.randomUUID();
        OrderListQuery query = OrderListQuery.of(user.toString(), product.toString(), "SHIPPED",
                "2026-01-01T00:00:00Z", "2026-02-01T00:00:00+01:00", null, null);
        assertEquals("WHERE true AND user_id = ? AND product_id = ? AND status = ? AND created_at >= ?"
                + " AND created_at < ? ORDER BY created_at DESC, order_id DESC LIMIT ?", query.sql());
        assertArrayEquals(new Object[] {user, product, "SHIPPED", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-31T23:00:00Z"), OrderListQuery.DEFAULT_LIMIT + 1}, query.parameters());
    }

    @Test
    void badParametersAreNamed() {
        assertEquals(List.of("user_id", "product_id", "status", "created_from", "created_to", "limit", "cursor"),
                refused("1", "x", "shipped", "yesterday", "+999999999-12-31T23:59:59Z", "0", "!!"));
        assertEquals(List.of("limit"), refused(null, null, null, null, null, "101", null));
        assertEquals(List.of("limit"), refused(null, null, null, null, null, "ten", null));
        String farFuture = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("o1:" + Long.MAX_VALUE + ":" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("cursor"), refused(null, null, null, null, null, null, farFuture));
        assertEquals(List.of("cursor"), refused(null, null, null, null, null, null, "bzE6MTox"));
    }
}
