package dev.cqrs.orders.customer.query;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.json.JsonView;
import dev.cqrs.orders.readmodel.ViewTable;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code user_views}: what {@code GET /users/{id}} answers. */
public record UserView(UUID userId, String email, int version, Instant createdAt, Instant updatedAt) implements JsonView {

    public static final ViewTable<UserView> TABLE = ViewTable.rows("user_views", UserView.class).readByKey();

    /**
     * This view after a customer event of {@code eventVersion} carrying the e-mail: the newest
     * version wins, and the creation time is the earliest event's, whichever came first.
     */
    UserView after(int eventVersion, String newEmail, Instant at) {
        Instant created = at.isBefore(createdAt) ? at : createdAt;
        return eventVersion > version
                ? new UserView(userId, newEmail, eventVersion, created, at)
                : new UserView(userId, email, version, created, updatedAt);
    }

    @Override
    public JsonObject toJson() {
        return JsonSupport.object()
                .add("user_id", userId.toString())
                .add("email", email)
                .add("version", version)
                .add("created_at", createdAt.toString())
                .add("updated_at", updatedAt.toString())
                .build();
    }
}
