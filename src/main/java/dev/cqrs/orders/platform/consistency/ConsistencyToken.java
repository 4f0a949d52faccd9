package dev.cqrs.orders.platform.consistency;

import java.util.UUID;

/**
 * What a command wrote, as a {@code Consistency-Token} names it: an aggregate (order, product or
 * customer: their ids are random UUIDs, never shared) at a version. A view reflects it once the read
 * side has applied that version of that aggregate.
 */
public record ConsistencyToken(UUID aggregateId, int version) {
}
