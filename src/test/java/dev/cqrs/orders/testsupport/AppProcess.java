package dev.cqrs.orders.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The application as ./run starts it (the built WAR at the root context, the server configuration of
 * server-config/), as a process of its own that a test can kill with SIGKILL and start again: what
 * Arquillian's managed container does not allow. On the server the tests run on ({@link TestServer}):
 * Payara Micro, or WildFly (the test stack's WildFly home, {@code test.wildfly.home}, configured by
 * scripts/test-stack with server-config/wildfly, in a base directory of this instance's own).
 * Database and broker addresses come from the environment that failsafe sets (inherited).
 */
public final class AppProcess {

    private static final Path SERVER = Path.of("target/server");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Map<String, String> systemProperties;
    private final Path war;
    private final Path dir;
    private final TestServer server = TestServer.current();
    private Process process;
    private boolean startedBefore;

    /** An instance on {@code port}; {@code systemProperties} are added to the server's (MicroProfile Config reads them). */
    public AppProcess(String name, int port, Map<String, String> systemProperties) {
        this(name, port, systemProperties, Path.of("target/cqrs-orders.war"));
    }

    /** The same, running {@code war} (e.g. a mutant's, {@link Mutants#war}) instead of the built WAR. */
    public AppProcess(String name, int port, Map<String, String> systemProperties, Path war) {
        this.name = name;
        this.port = port;
        Map<String, String> properties = new java.util.LinkedHashMap<>(systemProperties);
        // Where it asks itself at start-up before readiness says UP (as scripts/lib.sh sets it).
        properties.putIfAbsent("cqrs.readiness.self-url", "http://127.0.0.1:" + port + "/");
        this.systemProperties = Map.copyOf(properties);
        this.war = war;
        this.dir = Path.of("target/fault-suite", server.displayName(), name);
    }

    /**
     * The system properties of an instance with {@code roles} (a {@code cqrs.roles} value): the roles,
     * and, as scripts/lib.sh's role_properties sets them, what keeps the MDBs of a role the instance
     * lacks from consuming (WEB-INF/glassfish-ejb-jar.xml on Payara, WEB-INF/jboss-ejb3.xml on WildFly).
     */
    public static Map<String, String> roleProperties(String roles) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("cqrs.roles", roles);
        List<String> list = List.of(roles.split(","));
        if (!list.contains("projector")) {
            for (String view : List.of("orders", "products", "customers")) {
                properties.put("cqrs.mdb." + view + ".queue", "cqrs.idle");
            }
            properties.put("cqrs.mdb.projections.active", "false");
        }
        if (!list.contains("command")) {
            properties.put("cqrs.mdb.republish.queue", "cqrs.idle");
            properties.put("cqrs.mdb.republish.active", "false");
        }
        return properties;
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public String name() {
        return name;
    }

    /** Starts it and waits until its readiness checks answer UP. */
    public AppProcess start() {
        launch();
        awaitReady(Duration.ofSeconds(360));
        return this;
    }

    /** Starts it and returns at once: the server is booting. */
    public AppProcess launch() {
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = server == TestServer.WILDFLY ? wildfly() : payaraMicro();
            process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            startedBefore = true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        return this;
    }

    /** Whether the server's process still runs (its log says why not). */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    private Path log() {
        return dir.resolve(server.displayName() + ".log");
    }

    private ProcessBuilder payaraMicro() throws IOException {
        // A fresh server root, as ./run makes: Micro would otherwise boot the old domain.xml,
        // on which the post-boot commands fail (the resources exist) and leave them unbound.
        Trees.delete(dir.resolve("payara-root"));
        Path properties = dir.resolve("system.properties");
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("server-config/payara-micro/system.properties")));
        systemProperties.forEach((key, value) -> lines.add(key + "=" + value));
        Files.write(properties, lines);
        return new ProcessBuilder("java", "-Xms256m", "-Xmx768m", "-XX:TieredStopAtLevel=1",
                "-jar", SERVER.resolve("payara-micro.jar").toString(),
                "--nohazelcast", "--nocluster", "--disablephonehome", "--port", String.valueOf(port),
                "--rootdir", dir.resolve("payara-root").toString(),
                "--addlibs", SERVER.resolve("postgresql.jar").toString(),
                "--prebootcommandfile", "server-config/payara-micro/pre-boot-commands.asadmin",
                "--postbootcommandfile", "server-config/payara-micro/post-boot-commands.asadmin",
                "--systemproperties", properties.toString(),
                "--deploy", war + ":/");
    }

    /**
     * As scripts/lib.sh's wildfly_command: standalone.sh with the JVM in the background (it relays
     * SIGTERM and writes the JVM's pid, which {@link #kill()} needs), a base directory of this
     * instance's own (configuration fresh from the home, data kept across restarts of the instance,
     * as a restarted server keeps its transaction log), the WAR in its deployments folder.
     */
    private ProcessBuilder wildfly() throws IOException {
        Path home = Path.of(System.getProperty("test.wildfly.home"));
        Path base = dir.resolve("wildfly-base");
        if (!startedBefore) {
            Trees.delete(base);
        }
        Trees.copy(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Trees.delete(base.resolve("deployments"));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(war, base.resolve("deployments/cqrs-orders.war"));
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-cqrs.xml", "-Djboss.server.base.dir=" + base.toAbsolutePath(),
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.http.port=" + port,
                "-Djboss.management.http.port=" + TestServer.managementPort(port),
                "-Djboss.tx.node.id=" + name));
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        builder.environment().put("JBOSS_PIDFILE", pidFile().toAbsolutePath().toString());
        builder.environment().put("JAVA_OPTS", "-Xms256m -Xmx768m -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true"
                + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true");
        Files.deleteIfExists(pidFile());
        return builder;
    }

    private Path pidFile() {
        return dir.resolve("wildfly.pid");
    }



    /** Waits until /health/ready answers UP with the application's own checks in it. */
    public void awaitReady(Duration atMost) {
        URI ready = server.healthBase(port).resolve("health/ready");
        Awaitility.await(name + " ready").atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " (log: " + log() + ")");
            }
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(ready)
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                return answer.statusCode() == 200 && answer.body().contains("outbox-relay")
                        && answer.body().contains("schema-migrations");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** SIGKILL of the server's JVM: no shutdown hook, no graceful anything. */
    public void kill() {
        killWildFlyJvm();
        process.destroyForcibly();
        waitForExit();
    }

    /**
     * On WildFly, SIGKILL to the JVM whose pid standalone.sh wrote: SIGKILL to standalone.sh itself
     * would relay nothing and leave the JVM running.
     */
    private void killWildFlyJvm() {
        if (server == TestServer.WILDFLY) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile()).trim());
                ProcessHandle.of(pid).ifPresent(jvm -> {
                    jvm.destroyForcibly();
                    jvm.onExit().join();
                });
            } catch (IOException e) {
                throw new IllegalStateException("no pid file of " + name + ": " + pidFile(), e);
            }
        }
    }

    /** SIGTERM, as an orderly shutdown. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitForExit();
        }
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                killWildFlyJvm();
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
