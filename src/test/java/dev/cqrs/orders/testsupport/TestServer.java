package dev.cqrs.orders.testsupport;

import java.net.URI;

/**
 * The server the integration tests run on: {@code -Dtest.server=payara-micro|wildfly}, which each
 * failsafe execution of pom.xml sets (with its own arquillian.xml, src/test/arq-&lt;server&gt;). The
 * WAR is the same; what differs for a client is where readiness is served.
 */
public enum TestServer {

    PAYARA_MICRO("payara-micro"),
    WILDFLY("wildfly");

    /**
     * WildFly's management interface of an instance whose HTTP port is P listens on P + this: the
     * distance between {@code test.management.port} and {@code test.http.port} (pom.xml: 1910),
     * which the fault suite's instances keep too.
     */
    private static final int WILDFLY_MANAGEMENT_OFFSET = Integer.getInteger("test.management.port", 19990)
            - Integer.getInteger("test.http.port", 18080);

    private final String name;

    TestServer(String name) {
        this.name = name;
    }

    public static TestServer current() {
        String name = System.getProperty("test.server", "payara-micro");
        for (TestServer server : values()) {
            if (server.name.equals(name)) {
                return server;
            }
        }
        throw new IllegalStateException("test.server must be payara-micro or wildfly, not " + name);
    }

    /** What the test reports call it. */
    public String displayName() {
        return name;
    }

    /**
     * Where {@code /health/ready} of the instance serving HTTP on {@code httpPort} is: the same port on
     * Payara Micro, WildFly's management interface (by its convention) on WildFly.
     */
    public URI healthBase(int httpPort) {
        return URI.create("http://127.0.0.1:" + (this == WILDFLY ? managementPort(httpPort) : httpPort) + "/");
    }

    /** WildFly's management port of the instance serving HTTP on {@code httpPort}. */
    public static int managementPort(int httpPort) {
        return httpPort + WILDFLY_MANAGEMENT_OFFSET;
    }
}
