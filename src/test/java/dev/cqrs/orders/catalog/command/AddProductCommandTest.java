package dev.cqrs.orders.catalog.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cqrs.orders.platform.json.JsonInput;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddProductCommandTest {

    private static AddProductCommand parse(String json) {
        return AddProductCommand.from(JsonInput.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
    }

    private static List<String> invalidFields(String json) {
        return assertThrows(InvalidInputException.class, () -> parse(json)).errors().stream()
                .map(FieldError::field).toList();
    }

    @Test
    void keepsThePriceInCents() {
        assertEquals(new AddProductCommand("Beans", new BigDecimal("24.90")), parse("{\"name\":\"Beans\",\"price\":24.9}"));
        assertEquals(new BigDecimal("3.00"), parse("{\"name\":\"Tea\",\"price\":3}").price());
    }

    @Test
    void refusesNegativeOverPreciseOrHugePrices() {
        for (String price : List.of("-0.01", "1.005", "1000000.01", "\"12\"", "null")) {
            assertEquals(List.of("price"), invalidFields("{\"name\":\"Beans\",\"price\":" + price + "}"), price);
        }
    }

    @Test
    void refusesBlankLongOrControlCharacterNames() {
        for (String name : List.of("\"  \"", "\"" + "x".repeat(Product.MAX_NAME_LENGTH + 1) + "\"", "\"a\\u0000b\"", "7")) {
            assertEquals(List.of("name"), invalidFields("{\"name\":" + name + ",\"price\":1}"), name);
        }
    }

    @Test
    void refusesMarkupQuerySyntaxAndInvisibleOrBrokenUnicodeInNames() {
        for (String name : List.of("\"<script>alert(1)</script>\"", "\"'; DROP TABLE products; --\"", "\"${jndi:x}\"", "\"javascript:alert(1)\"",
                "\"a\\ud800b\"", "\"\\u202eevil\"", "\"zero\\u200bwidth\"", "\"cup \\ud83d\\ude00\"")) {
            assertEquals(List.of("name"), invalidFields("{\"name\":" + name + ",\"price\":1}"), name);
        }
    }

    @Test
    void acceptsNamesInAnyScriptWithOrdinaryPunctuation() {
        for (String name : List.of("Crème brûlée 1/2 kg", "O'Neil & Sons (No. 5) #2 tea-cups", "日本茶 100g", "Ελληνικός καφές")) {
            assertEquals(name, parse("{\"name\":\"" + name + "\",\"price\":1}").name());
        }
    }
}
