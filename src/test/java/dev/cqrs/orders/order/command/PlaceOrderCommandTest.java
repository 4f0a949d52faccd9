package dev.cqrs.orders.order.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cqrs.orders.platform.json.JsonInput;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlaceOrderCommandTest {

    private static final String USER = "6f1c2b1e-7d1a-4c55-9d54-0a0b3c1d2e3f";
    private static final String PRODUCT = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70";

    private static PlaceOrderCommand parse(String json) {
        return PlaceOrderCommand.from(JsonInput.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
    }

    private static List<String> invalidFields(String json) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(json));
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void readsAWellFormedCommand() {
        PlaceOrderCommand command = parse("""
                {"user_id": "%s", "product_id": "%s", "quantity": 2}""".formatted(USER, PRODUCT));
        assertEquals(new PlaceOrderCommand(UUID.fromString(USER), UUID.fromString(PRODUCT), 2), command);
    }

    @Test
    void namesEveryMissingFieldByItsJsonName() {
        assertEquals(List.of("user_id", "product_id", "quantity"), invalidFields("{}"));
    }

    @Test
    void namesFieldsOfTheWrongType() {
        assertEquals(List.of("user_id", "product_id", "quantity"),
                invalidFields("""
                        {"user_id": 12, "product_id": "not-a-uuid", "quantity": "2"}"""));
    }

    @Test
    void refusesQuantitiesOutOfRange() {
        for (String quantity : List.of("0", "-3", "1.5", "1000001", "1e40")) {
            assertEquals(List.of("quantity"), invalidFields("""
                    {"user_id": "%s", "product_id": "%s", "quantity": %s}""".formatted(USER, PRODUCT, quantity)),
                    "quantity " + quantity);
        }
    }

    @Test
    void refusesUnknownFields() {
        assertEquals(List.of("price"), invalidFields("""
                {"user_id": "%s", "product_id": "%s", "quantity": 1, "price": 0}""".formatted(USER, PRODUCT)));
    }

    @Test
    void malformedJsonIsReportedWithoutParserText() {
        for (String body : List.of("", "{", "[1]", "null", "{\"quantity\": 1} trailing")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(body), body);
            assertEquals("malformed-body", e.kind(), body);
            assertEquals(List.of(new FieldError("body", body.startsWith("[") || body.equals("null")
                    ? "a JSON object is required" : "not well-formed JSON")), e.errors(), body);
        }
    }
}
