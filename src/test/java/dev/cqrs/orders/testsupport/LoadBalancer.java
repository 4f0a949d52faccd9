package dev.cqrs.orders.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * HAProxy (Debian's {@code haproxy}, installed with apt-get when missing) in front of a cluster of
 * instances, with the configuration ./run --cluster uses (server-config/haproxy/cluster.cfg):
 * commands to the two command instances, queries to the two query instances, the projector's admin
 * endpoints to the projector. In the foreground, a child of the test, on 127.0.0.1.
 */
public final class LoadBalancer implements AutoCloseable {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final int port;
    private final int statsPort;

    private LoadBalancer(Process process, int port, int statsPort) {
        this.process = process;
        this.port = port;
        this.statsPort = statsPort;
    }

    /** Starts HAProxy on {@code port} (statistics on {@code statsPort}) in front of the instances. */
    public static LoadBalancer start(int port, int statsPort, URI command1, URI command2, URI query1, URI query2,
                                     URI projector) throws IOException, InterruptedException {
        DebianTools.ensure(HAPROXY, "haproxy");
        Path dir = Path.of("target/load-balancer").toAbsolutePath();
        Files.createDirectories(dir);
        Path log = dir.resolve("haproxy-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(HAPROXY.toString(), "-db", "-f",
                Path.of("server-config/haproxy/cluster.cfg").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("CQRS_LB_BIND", "127.0.0.1:" + port);
        env.put("CQRS_LB_STATS", "127.0.0.1:" + statsPort);
        env.put("CQRS_LB_SOCKET", dir.resolve("haproxy-" + port + ".sock").toString());
        env.put("CQRS_COMMAND_1", address(command1));
        env.put("CQRS_COMMAND_2", address(command2));
        env.put("CQRS_QUERY_1", address(query1));
        env.put("CQRS_QUERY_2", address(query2));
        env.put("CQRS_PROJECTOR", address(projector));
        Process process = builder.start();
        LoadBalancer balancer = new LoadBalancer(process, port, statsPort);
        try {
            Awaitility.await("HAProxy listening on " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("haproxy exited with " + process.exitValue() + ": " + Files.readString(log));
                        }
                        return DebianTools.listening(port);
                    });
        } catch (RuntimeException e) {
            balancer.close();
            throw e;
        }
        return balancer;
    }

    private static String address(URI instance) {
        return instance.getHost() + ":" + instance.getPort();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The statistics page as CSV (HAProxy's {@code ;csv}): one line per frontend, backend and server. */
    public URI statsCsv() {
        return URI.create("http://127.0.0.1:" + statsPort + "/haproxy?stats;csv");
    }

    @Override
    public void close() throws InterruptedException {
        DebianTools.stop(process);
    }
}
