package dev.cqrs.orders.platform.json;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a command's JSON body field by field, collecting every problem under the field's JSON
 * name, so that a client learns all that is wrong in one answer. Readers return {@code null} for
 * a field they rejected; call {@link #validate()} before using any value.
 */
public final class JsonInput {

    private final JsonObject json;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonInput(JsonObject json) {
        this.json = json;
    }

    public static JsonInput of(JsonObject json) {
        return new JsonInput(json);
    }

    /** Parses a request body that must be one JSON object; anything else is a 400 without parser text. */
    public static JsonInput parse(InputStream body) {
        if (body == null) {
            throw InvalidInputException.malformedBody("a JSON object is required");
        }
        try (JsonParser parser = JsonSupport.parser(body)) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw InvalidInputException.malformedBody("a JSON object is required");
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw InvalidInputException.malformedBody("not well-formed JSON");
            }
            return new JsonInput(object);
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            // Covers empty bodies, syntax errors and trailing garbage; the parser's words stay here.
            throw InvalidInputException.malformedBody("not well-formed JSON");
        }
    }

    public UUID requiredUuid(String field) {
        String text = requiredString(field, "a UUID string");
        if (text == null) {
            return null;
        }
        return Uuids.parse(text).orElseGet(() -> reject(field, "must be a UUID string"));
    }

    public Integer requiredInt(String field, int min, int max) {
        JsonNumber number = requiredNumber(field, "an integer");
        if (number == null) {
            return null;
        }
        BigDecimal value = number.bigDecimalValue();
        if (value.stripTrailingZeros().scale() > 0) {
            return reject(field, "must be an integer");
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            return reject(field, "must be between " + min + " and " + max);
        }
        return value.intValueExact();
    }

    /** A decimal amount: within [min, max] and with at most {@code maxScale} digits after the point. */
    public BigDecimal requiredDecimal(String field, BigDecimal min, BigDecimal max, int maxScale) {
        JsonNumber number = requiredNumber(field, "a number");
        if (number == null) {
            return null;
        }
        BigDecimal value = number.bigDecimalValue();
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            return reject(field, "must be between " + min.toPlainString() + " and " + max.toPlainString());
        }
        if (value.stripTrailingZeros().scale() > maxScale) {
            return reject(field, "must have at most " + maxScale + " decimal places");
        }
        return value.setScale(maxScale);
    }

    /** Non-blank text of at most {@code maxLength} characters, without control characters. */
    public String requiredText(String field, int maxLength) {
        String text = requiredString(field, "a string");
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            return reject(field, "must not be blank");
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            return reject(field, "must be at most " + maxLength + " characters");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            return reject(field, "must not contain control characters");
        }
        return text;
    }

    /** Refuses fields the command does not know, so that a typo is not silently ignored. */
    public JsonInput allowOnly(Set<String> fields) {
        json.keySet().stream().filter(k -> !fields.contains(k)).sorted()
                .forEach(k -> errors.add(new FieldError(k, "is not a known field")));
        return this;
    }

    /** Records a problem found by the caller's own rules. */
    public <T> T reject(String field, String detail) {
        errors.add(new FieldError(field, detail));
        return null;
    }

    /** Throws a 400 listing every invalid field, if there is any. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    private String requiredString(String field, String expected) {
        JsonValue value = required(field, JsonValue.ValueType.STRING, expected);
        return value == null ? null : ((JsonString) value).getString();
    }

    private JsonNumber requiredNumber(String field, String expected) {
        return (JsonNumber) required(field, JsonValue.ValueType.NUMBER, expected);
    }

    private JsonValue required(String field, JsonValue.ValueType type, String expected) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return reject(field, "is required");
        }
        if (value.getValueType() != type) {
            return reject(field, "must be " + expected);
        }
        return value;
    }
}
