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
 * The application as ./run starts it (Payara Micro, the built WAR at the root context, the server
 * configuration of server-config/payara-micro), as a process of its own that a test can kill with
 * SIGKILL and start again: what Arquillian's managed container does not allow. Database and broker
 * addresses come from the environment that failsafe sets (inherited).
 */
public final class AppProcess {

    private static final Path SERVER = Path.of("target/server");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Map<String, String> systemProperties;
    private final Path dir;
    private Process process;

    /** An instance on {@code port}; {@code systemProperties} are added to Payara Micro's (MicroProfile Config reads them). */
    public AppProcess(String name, int port, Map<String, String> systemProperties) {
        this.name = name;
        this.port = port;
        this.systemProperties = systemProperties;
        this.dir = Path.of("target/fault-suite", name);
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public String name() {
        return name;
    }

    /** Starts it and waits until its readiness checks answer UP. */
    public AppProcess start() {
        try {
            // A fresh server root, as ./run makes: Micro would otherwise boot the old domain.xml,
            // on which the post-boot commands fail (the resources exist) and leave them unbound.
            deleteTree(dir.resolve("payara-root"));
            Files.createDirectories(dir);
            Path properties = dir.resolve("system.properties");
            List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("server-config/payara-micro/system.properties")));
            systemProperties.forEach((key, value) -> lines.add(key + "=" + value));
            Files.write(properties, lines);
            List<String> command = List.of("java", "-Xms256m", "-Xmx768m", "-XX:TieredStopAtLevel=1",
                    "-jar", SERVER.resolve("payara-micro.jar").toString(),
                    "--nohazelcast", "--nocluster", "--disablephonehome", "--port", String.valueOf(port),
                    "--rootdir", dir.resolve("payara-root").toString(),
                    "--addlibs", SERVER.resolve("postgresql.jar").toString(),
                    "--prebootcommandfile", "server-config/payara-micro/pre-boot-commands.asadmin",
                    "--postbootcommandfile", "server-config/payara-micro/post-boot-commands.asadmin",
                    "--systemproperties", properties.toString(),
                    "--deploy", "target/cqrs-orders.war:/");
            File log = dir.resolve("payara.log").toFile();
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        awaitReady(Duration.ofSeconds(360));
        return this;
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** Waits until /health/ready answers UP with the application's own checks in it. */
    public void awaitReady(Duration atMost) {
        Awaitility.await(name + " ready").atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " (log: " + dir
                        + "/payara.log)");
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(base().resolve("health/ready"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                return ready.statusCode() == 200 && ready.body().contains("outbox-relay")
                        && ready.body().contains("schema-migrations");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** SIGKILL: no shutdown hook, no graceful anything. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
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
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
