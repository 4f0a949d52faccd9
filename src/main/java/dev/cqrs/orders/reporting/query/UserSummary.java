package dev.cqrs.orders.reporting.query;

import dev.cqrs.orders.readmodel.ViewTable;
import java.util.UUID;

/** A row of {@code user_summaries}: a customer's orders by status and what they spent. */
record UserSummary(UUID userId, long pending, long confirmed, long shipped, long cancelled,
                   java.math.BigDecimal totalSpent) {

    static final ViewTable<UserSummary> TABLE = ViewTable.counters("user_summaries", UserSummary.class);
}
