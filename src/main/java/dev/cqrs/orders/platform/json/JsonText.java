package dev.cqrs.orders.platform.json;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;

/** Parses JSON text we wrote ourselves (stored events, messages); not for client input. */
public final class JsonText {

    private JsonText() {
    }

    public static JsonObject parseObject(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
