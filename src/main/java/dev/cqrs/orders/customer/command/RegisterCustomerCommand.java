package dev.cqrs.orders.customer.command;

import dev.cqrs.orders.platform.json.JsonInput;
import java.util.Set;

/** Register a customer under an e-mail address. */
public record RegisterCustomerCommand(String email) {

    public static RegisterCustomerCommand from(JsonInput in) {
        in.allowOnly(Set.of("email"));
        String email = email(in);
        in.validate();
        return new RegisterCustomerCommand(email);
    }

    /** The {@code email} field: required, at most 254 characters, an address. */
    static String email(JsonInput in) {
        String email = in.requiredText("email", Customer.MAX_EMAIL_LENGTH);
        if (email != null && !Customer.isWellFormedEmail(email)) {
            return in.reject("email", "must be an e-mail address");
        }
        return email;
    }
}
