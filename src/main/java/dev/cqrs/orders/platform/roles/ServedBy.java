package dev.cqrs.orders.platform.roles;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The role a resource class belongs to: on an instance without it, every method of the class
 * answers 404 problem+json ({@link RoleGate}). A resource without it (the API root, health) is
 * served by every instance.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ServedBy {
    Role value();
}
