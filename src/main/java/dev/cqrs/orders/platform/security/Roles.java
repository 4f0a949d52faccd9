package dev.cqrs.orders.platform.security;

/**
 * The roles of the API, as the token's {@code groups} claim names them. A customer acts on their
 * own orders only; a clerk reads every order and confirms and ships; an admin may do everything.
 */
public final class Roles {

    public static final String CUSTOMER = "customer";
    public static final String CLERK = "clerk";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
