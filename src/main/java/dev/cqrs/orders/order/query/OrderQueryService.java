package dev.cqrs.orders.order.query;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads order views; the read database only. */
@ApplicationScoped
public class OrderQueryService {

    @PersistenceContext(unitName = "read")
    EntityManager em;

    public Optional<OrderView> find(UUID orderId) {
        return Optional.ofNullable(em.find(OrderView.class, orderId));
    }

    /** One page of a list, and where the next one starts ({@code null} when this is the last). */
    public record Page(List<OrderView> items, OrderListQuery.Cursor next) {
    }

    @SuppressWarnings("unchecked")
    public Page list(OrderListQuery list) {
        Query query = em.createNativeQuery(list.sql(), OrderView.class);
        Object[] parameters = list.parameters();
        for (int i = 0; i < parameters.length; i++) {
            query.setParameter(i + 1, parameters[i]);
        }
        List<OrderView> rows = query.getResultList();
        if (rows.size() <= list.limit()) {
            return new Page(rows, null);
        }
        List<OrderView> page = rows.subList(0, list.limit());
        OrderView last = page.get(page.size() - 1);
        return new Page(page, new OrderListQuery.Cursor(last.createdAt(), last.orderId()));
    }
}
