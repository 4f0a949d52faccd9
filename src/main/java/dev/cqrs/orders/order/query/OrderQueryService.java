package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.http.Representation;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import dev.cqrs.orders.readmodel.ViewCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;

/** Reads order views; the read database only (an order by id through the read cache), through the table's own row mapping. */
@ApplicationScoped
public class OrderQueryService {

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    ViewCache cache;

    /**
     * The order's view as {@code GET /orders/{id}} answers it, if {@code visible} to the caller;
     * {@code fresh}: the caller names writes it must see, so no row kept in memory.
     */
    public Optional<Representation> answer(UUID orderId, boolean fresh, Predicate<OrderView> visible) {
        return cache.answer(OrderView.TABLE, orderId, fresh, visible);
    }

    /** One page of a list, and where the next one starts ({@code null} when this is the last). */
    public record Page(List<OrderView> items, OrderListQuery.Cursor next) {
    }

    public Page list(OrderListQuery list) {
        List<OrderView> rows;
        try (Connection connection = readDb.getConnection()) {
            rows = OrderView.TABLE.select(connection, list.sql(), list.parameters());
        } catch (SQLException e) {
            throw new IllegalStateException("listing orders failed", e);
        }
        if (rows.size() <= list.limit()) {
            return new Page(rows, null);
        }
        List<OrderView> page = rows.subList(0, list.limit());
        OrderView last = page.get(page.size() - 1);
        return new Page(page, new OrderListQuery.Cursor(last.createdAt(), last.orderId()));
    }
}
