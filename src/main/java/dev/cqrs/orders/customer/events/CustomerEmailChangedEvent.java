package dev.cqrs.orders.customer.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.util.UUID;

/** A customer's e-mail address changed. */
public record CustomerEmailChangedEvent(UUID userId, String email) {

    public static final String TYPE = "CustomerEmailChanged";

    public JsonObject toJson() {
        return JsonSupport.object()
                .add("user_id", userId.toString())
                .add("email", email)
                .build();
    }

    public static CustomerEmailChangedEvent fromJson(JsonObject json) {
        return new CustomerEmailChangedEvent(UUID.fromString(json.getString("user_id")), json.getString("email"));
    }
}
