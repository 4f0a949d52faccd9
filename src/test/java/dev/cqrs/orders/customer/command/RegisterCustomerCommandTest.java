package dev.cqrs.orders.customer.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cqrs.orders.platform.json.JsonInput;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegisterCustomerCommandTest {

    private static RegisterCustomerCommand parse(String json) {
        return RegisterCustomerCommand.from(JsonInput.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void acceptsAnEmailAddress() {
        assertEquals("ada.lovelace+orders@example.co.uk", parse("{\"email\":\"ada.lovelace+orders@example.co.uk\"}").email());
    }

    @Test
    void refusesWhatIsNotAnEmailAddress() {
        for (String email : List.of("ada", "ada@", "@example.com", "ada@example", "a da@example.com", "a@b@example.com")) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> parse("{\"email\":\"" + email + "\"}"), email);
            assertEquals(List.of(new FieldError("email", "must be an e-mail address")), e.errors(), email);
        }
    }
}
