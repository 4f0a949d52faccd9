package dev.cqrs.orders.platform.command;

import java.util.UUID;

/** What an accepted command answers: the aggregate it touched and the version it is now at. */
public record CommandResult(UUID aggregateId, int version) {
}
