package dev.cqrs.orders.platform;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The API sits at the root of the application: {@code /orders}, {@code /products}, {@code /users}.
 * Resources are {@code @ApplicationScoped} CDI beans, so they are not constructed and injected
 * again for every request.
 */
@ApplicationPath("/")
public class RestApplication extends Application {
}
