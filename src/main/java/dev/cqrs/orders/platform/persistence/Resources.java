package dev.cqrs.orders.platform.persistence;

/**
 * The server resources the application uses, by the names of the resource references that
 * {@code WEB-INF/web.xml} declares. Each server's own descriptor binds them to what its
 * configuration created ({@code WEB-INF/payara-web.xml}, {@code WEB-INF/jboss-web.xml}), so the
 * classes name no server's JNDI names.
 */
public final class Resources {

    /** write_db as the command side's role: entities, event store, outbox, audit log. */
    public static final String WRITE_DB = "java:comp/env/jdbc/cqrs-write";
    /** write_db as the event store's read-only role: rebuilds, verifier, lag monitor. */
    public static final String EVENT_STORE = "java:comp/env/jdbc/cqrs-events";
    /** read_db as the query side's role: the views. */
    public static final String READ_DB = "java:comp/env/jdbc/cqrs-read";
    /** Outbound connections to the broker, for the outbox relay. */
    public static final String BROKER = "java:comp/env/jms/cqrs-events";

    private Resources() {
    }
}
