package dev.cqrs.orders.platform.json;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

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
    public static JsonInput parse(byte[] body) {
        if (body == null) {
            throw InvalidInputException.malformedBody("a JSON object is required");
        }
        String text;
        try {
            // Strictly: malformed UTF-8 is refused, not silently turned into U+FFFD.
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw InvalidInputException.malformedBody("the body must be UTF-8");
        }
        return parse(() -> JsonSupport.parser(new StringReader(text)));
    }

    /** Parses a request body that must be one JSON object; anything else is a 400 without parser text. */
    public static JsonInput parse(InputStream body) {
        if (body == null) {
            throw InvalidInputException.malformedBody("a JSON object is required");
        }
        return parse(() -> JsonSupport.parser(body));
    }

    private static JsonInput parse(Supplier<JsonParser> parsing) {
        try (JsonParser parser = parsing.get()) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw InvalidInputException.malformedBody("a JSON object is required");
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw InvalidInputException.malformedBody("not well-formed JSON");
            }
            return new JsonInput(object);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            // Empty bodies, syntax errors, trailing garbage, and the parser's own limits (numbers of
            // over 1,100 digits, exponents beyond BigDecimal, nesting deeper than 1,000), each of
            // which Parsson reports with another exception type; the parser's words stay here.
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
        BigDecimal value = decimalOf(number);
        if (value == null) {
            return reject(field, "must be between " + min + " and " + max);
        }
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
        return decimal(field, min, max, maxScale, true);
    }

    /** Like {@link #requiredDecimal}, but {@code null} when the field is absent. */
    public BigDecimal optionalDecimal(String field, BigDecimal min, BigDecimal max, int maxScale) {
        return decimal(field, min, max, maxScale, false);
    }

    private BigDecimal decimal(String field, BigDecimal min, BigDecimal max, int maxScale, boolean isRequired) {
        JsonNumber number = (JsonNumber) value(field, JsonValue.ValueType.NUMBER, "a number", isRequired);
        if (number == null) {
            return null;
        }
        BigDecimal value = decimalOf(number);
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            return reject(field, "must be between " + min.toPlainString() + " and " + max.toPlainString());
        }
        if (value.stripTrailingZeros().scale() > maxScale) {
            return reject(field, "must have at most " + maxScale + " decimal places");
        }
        return value.setScale(maxScale);
    }

    /**
     * Non-blank text of at most {@code maxLength} characters, without control characters, unpaired
     * surrogates or invisible formatting characters.
     */
    public String requiredText(String field, int maxLength) {
        return text(field, maxLength, true);
    }

    /** Like {@link #requiredText}, but {@code null} when the field is absent. */
    public String optionalText(String field, int maxLength) {
        return text(field, maxLength, false);
    }

    /** Whether the body has the field at all (even as {@code null}). */
    /** A required {@code true} or {@code false}; {@code null} (with the field's error recorded) otherwise. */
    public Boolean requiredBoolean(String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return reject(field, "is required");
        }
        if (value.getValueType() != JsonValue.ValueType.TRUE && value.getValueType() != JsonValue.ValueType.FALSE) {
            return reject(field, "must be true or false");
        }
        return value.getValueType() == JsonValue.ValueType.TRUE;
    }

    public boolean has(String field) {
        return json.containsKey(field);
    }

    private String text(String field, int maxLength, boolean isRequired) {
        JsonValue value = value(field, JsonValue.ValueType.STRING, "a string", isRequired);
        String text = value == null ? null : ((JsonString) value).getString();
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
        if (text.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
            // A lone half of a surrogate pair (JSON allows "\ud800"): not storable as UTF-8.
            return reject(field, "must be valid Unicode (no unpaired surrogates)");
        }
        if (text.codePoints().anyMatch(c -> Character.getType(c) == Character.FORMAT)) {
            // Bidirectional overrides, zero-width characters, BOMs: text that displays as other text.
            return reject(field, "must not contain invisible formatting characters");
        }
        return text;
    }

    /** The number's value, or {@code null} when it has no BigDecimal (an exponent beyond int range). */
    private static BigDecimal decimalOf(JsonNumber number) {
        try {
            return number.bigDecimalValue();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
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
        return value(field, type, expected, true);
    }

    /** The field's value if it has the type; an absent optional field is {@code null} without error. */
    private JsonValue value(String field, JsonValue.ValueType type, String expected, boolean isRequired) {
        JsonValue value = json.get(field);
        if (value == null && !isRequired) {
            return null;
        }
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return reject(field, isRequired ? "is required" : "must not be null (leave it out to keep the current value)");
        }
        if (value.getValueType() != type) {
            return reject(field, "must be " + expected);
        }
        return value;
    }
}
