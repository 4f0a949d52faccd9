package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.platform.json.JsonInput;
import java.util.Set;

/** Change a customer's e-mail address: {@code PUT /users/{id} {email}}. */
public record ChangeEmailCommand(String email) {

    public static ChangeEmailCommand from(JsonInput in) {
        in.allowOnly(Set.of("email"));
        String email = RegisterCustomerCommand.email(in);
        in.validate();
        return new ChangeEmailCommand(email);
    }
}
