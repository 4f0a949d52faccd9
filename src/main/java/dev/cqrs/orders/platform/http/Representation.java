package dev.cqrs.orders.platform.http;

import dev.cqrs.orders.platform.Sha256;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * A view's answer, made once: the exact bytes of its JSON and their strong entity tag ({@link
 * ViewValidators}). The read cache keeps one beside each row it keeps, so that a hit neither builds,
 * writes nor digests the JSON again; a resource may answer one as its entity, and ViewValidators
 * sends its bytes and tag. Immutable: nothing writes into {@link #body()}.
 */
public final class Representation {

    private static final JsonWriterFactory WRITERS = Json.createWriterFactory(Map.of());

    private final byte[] body;
    private final String tag;

    private Representation(byte[] body, String tag) {
        this.body = body;
        this.tag = tag;
    }

    public static Representation of(JsonStructure json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonWriter writer = WRITERS.createWriter(out)) {
            writer.write(json);
        }
        byte[] body = out.toByteArray();
        return new Representation(body, tagOf(json, body));
    }

    /** The JSON's bytes, as sent (shared: not to be written into). */
    public byte[] body() {
        return body;
    }

    /** The opaque part of the entity tag (without the quotes). */
    public String tag() {
        return tag;
    }

    /**
     * {@code "<version>.<digest>"} for a JSON object with an integral {@code version}, else {@code
     * "<digest>"}: the first 96 bits of the SHA-256 of {@code body}, base64url (ViewValidators' comment
     * says why).
     */
    static String tagOf(JsonStructure json, byte[] body) {
        byte[] sha = Sha256.of(body);
        String digest = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha, 12));
        if (json instanceof JsonObject object && object.get("version") instanceof JsonNumber version && version.isIntegral()) {
            return version.longValue() + "." + digest;
        }
        return digest;
    }
}
