package dev.cqrs.orders.customer.events;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.json.JsonObject;
import java.util.UUID;

/** A customer (a "user" in the API) registered with an e-mail address. */
public record CustomerRegisteredEvent(UUID userId, String email) {

    public static final String TYPE = "CustomerRegistered";

    public JsonObject toJson() {
        return JsonSupport.object()
                .add("user_id", userId.toString())
                .add("email", email)
                .build();
    }

    public static CustomerRegisteredEvent fromJson(JsonObject json) {
        return new CustomerRegisteredEvent(UUID.fromString(json.getString("user_id")), json.getString("email"));
    }
}
