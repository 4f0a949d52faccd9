package dev.cqrs.orders.platform.roles;

import java.util.Locale;

/**
 * What an instance does (MP Config {@code cqrs.roles}, a comma list; all three by default). One WAR
 * serves every role; an instance serves and runs only its roles' parts (docs/scaling.md):
 * <ul>
 *   <li>{@link #COMMAND}: the command endpoints ({@code POST}/{@code PUT}, {@code GET /commands/{id}},
 *       the audit log), the event sequencer, the outbox relay and its sweep, idempotency-key expiry.</li>
 *   <li>{@link #QUERY}: the view endpoints ({@code GET} of orders, products, users, reports, streams)
 *       and the read cache's looks at {@code view_changes}.</li>
 *   <li>{@link #PROJECTOR}: the event consumers (MDBs), parked-event retries and gap repair, the
 *       counter fold, the lag monitor, rebuild, verify, dead letters and the event log's admin view.</li>
 * </ul>
 */
public enum Role {
    COMMAND, QUERY, PROJECTOR;

    /** The name in {@code cqrs.roles} and in answers: {@code command}, {@code query}, {@code projector}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
