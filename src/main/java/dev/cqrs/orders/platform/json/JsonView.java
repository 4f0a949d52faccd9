package dev.cqrs.orders.platform.json;

import jakarta.json.JsonObject;

/** A view row with one JSON form: what {@code GET} of its resource answers. */
public interface JsonView {

    JsonObject toJson();
}
