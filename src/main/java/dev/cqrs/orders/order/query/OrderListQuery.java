package dev.cqrs.orders.order.query;

import dev.cqrs.orders.order.events.OrderStatus;
import dev.cqrs.orders.platform.json.Uuids;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /orders?user_id=&product_id=&status=&created_from=&created_to=&limit=&cursor=}: the
 * filters, checked, and the SQL that serves them. Newest first, keyset-paged on
 * {@code (created_at, order_id)}: a page starts strictly after the last row of the previous one,
 * so rows inserted meanwhile never shift a page or repeat a row. Every filter has an index that
 * leads with it and then orders the same way (read V3), so a page costs an index range scan.
 *
 * @param createdFrom inclusive; {@code createdTo} exclusive
 */
public record OrderListQuery(UUID userId, UUID productId, String status, Instant createdFrom, Instant createdTo,
                             int limit, Cursor after) {

    public static final int DEFAULT_LIMIT = 20;

    /** The same query, of {@code owner}'s orders only. */
    public OrderListQuery forUser(UUID owner) {
        return new OrderListQuery(owner, productId, status, createdFrom, createdTo, limit, after);
    }
    public static final int MAX_LIMIT = 100;
    private static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59Z");
    


    /** Where a page ends: the sort key of its last row, opaque to clients (URL-safe base64). */
    public record Cursor(Instant createdAt, UUID orderId) {

        public String encode() {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("o1:" + micros + ":" + orderId).getBytes(StandardCharsets.US_ASCII));
        }

        static Cursor decode(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split(":");
                if (parts.length == 3 && parts[0].equals("o1")) {
                    UUID id = Uuids.parse(parts[2]).orElse(null);
                    Instant at = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
                    if (id != null && inRange(at)) {
                        return new Cursor(at, id);
                    }
                }
            } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
                // falls through to the 400 below
            }
            return null;
        }
    }

    /** Within what PostgreSQL's timestamptz and ISO-8601 text both hold without surprises. */
    private static boolean inRange(Instant instant) {
        return !instant.isBefore(MIN_TIME) && instant.isBefore(MAX_TIME);
    }

    /** Reads the query parameters (any may be {@code null}); a 400 names every bad one. */
    public static OrderListQuery of(String userId, String productId, String status, String createdFrom,
                                    String createdTo, String limit, String cursor) {
        List<FieldError> errors = new ArrayList<>();
        UUID user = uuid("user_id", userId, errors);
        UUID product = uuid("product_id", productId, errors);
        String wantedStatus = null;
        if (status != null) {
            if (Arrays.stream(OrderStatus.values()).anyMatch(known -> known.name().equals(status))) {
                wantedStatus = status;
            } else {
                errors.add(new FieldError("status", "must be one of PENDING, CONFIRMED, SHIPPED, CANCELLED"));
            }
        }
        Instant from = instant("created_from", createdFrom, errors);
        Instant to = instant("created_to", createdTo, errors);
        int pageSize = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                pageSize = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                pageSize = -1;
            }
            if (pageSize < 1 || pageSize > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be an integer between 1 and " + MAX_LIMIT));
            }
        }
        Cursor after = null;
        if (cursor != null) {
            after = Cursor.decode(cursor);
            if (after == null) {
                errors.add(new FieldError("cursor", "is not a cursor this service gave out"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return new OrderListQuery(user, product, wantedStatus, from, to, pageSize, after);
    }

    private static UUID uuid(String name, String text, List<FieldError> errors) {
        if (text == null) {
            return null;
        }
        UUID id = Uuids.parse(text).orElse(null);
        if (id == null) {
            errors.add(new FieldError(name, "must be a UUID"));
        }
        return id;
    }

    private static Instant instant(String name, String text, List<FieldError> errors) {
        if (text == null) {
            return null;
        }
        try {
            Instant instant = OffsetDateTime.parse(text).toInstant();
            if (inRange(instant)) {
                return instant;
            }
        } catch (DateTimeParseException e) {
            // falls through to the 400 below
        }
        errors.add(new FieldError(name, "must be a date-time with an offset between the years 1 and 9999, "
                + "e.g. 2026-11-27T10:00:00Z"));
        return null;
    }

    /**
     * What follows {@code SELECT <columns> FROM order_views}: the filters, the order and the limit,
     * with the parameters of {@link #parameters()}, asking for one row more than the page, to know
     * whether another page follows.
     */
    public String sql() {
        StringBuilder sql = new StringBuilder("WHERE true");
        if (userId != null) {
            sql.append(" AND user_id = ?");
        }
        if (productId != null) {
            sql.append(" AND product_id = ?");
        }
        if (status != null) {
            sql.append(" AND status = ?");
        }
        if (createdFrom != null) {
            sql.append(" AND created_at >= ?");
        }
        if (createdTo != null) {
            sql.append(" AND created_at < ?");
        }
        if (after != null) {
            sql.append(" AND (created_at, order_id) < (?, ?)");
        }
        return sql.append(" ORDER BY created_at DESC, order_id DESC LIMIT ?").toString();
    }

    /** The parameters of {@link #sql()}, in order. */
    public Object[] parameters() {
        List<Object> parameters = new ArrayList<>();
        if (userId != null) {
            parameters.add(userId);
        }
        if (productId != null) {
            parameters.add(productId);
        }
        if (status != null) {
            parameters.add(status);
        }
        if (createdFrom != null) {
            parameters.add(createdFrom);
        }
        if (createdTo != null) {
            parameters.add(createdTo);
        }
        if (after != null) {
            parameters.add(after.createdAt());
            parameters.add(after.orderId());
        }
        parameters.add(limit + 1);
        return parameters.toArray();
    }
}
