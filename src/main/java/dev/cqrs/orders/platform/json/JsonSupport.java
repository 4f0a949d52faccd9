package dev.cqrs.orders.platform.json;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.util.Map;

/**
 * JSON-P through one provider, looked up once. {@code Json.createObjectBuilder()} and its siblings
 * look the provider up with a {@code ServiceLoader} at every call, which scanned the class path
 * and took a fifth of the server's CPU under load (measured with JFR).
 */
public final class JsonSupport {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private JsonSupport() {
    }

    public static JsonObjectBuilder object() {
        return PROVIDER.createObjectBuilder();
    }

    public static JsonArrayBuilder array() {
        return PROVIDER.createArrayBuilder();
    }

    public static JsonParser parser(InputStream in) {
        return PROVIDER.createParser(in);
    }

    public static JsonParser parser(Reader in) {
        return PROVIDER.createParser(in);
    }

    /** {@code field}: the text of {@code value} (an id, an instant, a word), or JSON null when there is none. */
    /** An object of named counts (numbers as longs) and flags, in the map's order: the admin endpoints' figures. */
    public static JsonObject counts(Map<String, ?> counts) {
        JsonObjectBuilder body = object();
        counts.forEach((name, value) -> {
            if (value instanceof Boolean flag) {
                body.add(name, flag);
            } else {
                body.add(name, ((Number) value).longValue());
            }
        });
        return body.build();
    }

    public static JsonObjectBuilder addText(JsonObjectBuilder json, String field, Object value) {
        return value == null ? json.addNull(field) : json.add(field, value.toString());
    }

    /** {@code field}: the JSON object we stored as {@code text} (a problem document), or JSON null when there is none. */
    public static JsonObjectBuilder addObject(JsonObjectBuilder json, String field, String text) {
        return text == null ? json.addNull(field) : json.add(field, parseObject(text));
    }

    /** Parses JSON text we wrote ourselves (stored events, messages); not for client input. */
    public static JsonObject parseObject(String text) {
        try (JsonReader reader = PROVIDER.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
