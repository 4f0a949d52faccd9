package dev.cqrs.orders.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A real shared HTTP cache in front of the application: Varnish (Debian's {@code varnish} package,
 * installed here with apt-get when {@code varnishd} is missing), in the foreground as a child of the
 * test, on 127.0.0.1. Its VCL looks every GET and HEAD up in the cache whether or not the request
 * carries {@code Authorization} (Varnish's built-in VCL would pass those by): so whether an answer
 * is stored, and for whom, is decided by the answer's own {@code Cache-Control} and {@code Vary}
 * alone, as RFC 9111 has a shared cache do when the origin allows it (§3.5). An answer without
 * directives would be kept for {@code default_ttl} (120 s) and served to anyone asking for the URL.
 */
public final class CachingProxy implements AutoCloseable {

    private static final Path VARNISHD = Path.of("/usr/sbin/varnishd");

    private final Process process;
    private final int port;

    private CachingProxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts Varnish on {@code port}, caching what {@code origin} (http://127.0.0.1:port/) answers. */
    public static CachingProxy inFrontOf(URI origin, int port) throws IOException, InterruptedException {
        DebianTools.ensure(VARNISHD, "varnish");
        Path dir = Path.of("target/caching-proxy").toAbsolutePath();
        Files.createDirectories(dir);
        Path vcl = dir.resolve("shared-cache.vcl");
        Files.writeString(vcl, """
                vcl 4.1;
                backend origin {
                    .host = "127.0.0.1";
                    .port = "%d";
                }
                sub vcl_recv {
                    if (req.method == "GET" || req.method == "HEAD") {
                        return (hash);
                    }
                    return (pass);
                }
                """.formatted(origin.getPort()));
        // Its working directory outside the build tree: Varnish's jail user must be able to reach it.
        Path work = Path.of("/tmp/cqrs-orders-varnish-" + port);
        Process process = new ProcessBuilder(VARNISHD.toString(), "-F", "-a", "127.0.0.1:" + port, "-f", vcl.toString(),
                "-n", work.toString(), "-s", "malloc,32m", "-T", "none", "-p", "default_ttl=120")
                .redirectErrorStream(true).redirectOutput(dir.resolve("varnish-" + port + ".log").toFile()).start();
        CachingProxy proxy = new CachingProxy(process, port);
        try {
            Awaitility.await("Varnish listening on " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("varnishd exited with " + process.exitValue()
                                    + ": " + Files.readString(dir.resolve("varnish-" + port + ".log")));
                        }
                        return DebianTools.listening(port);
                    });
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /**
     * Whether Varnish answered from its cache: its {@code X-Varnish} header holds two transaction
     * ids on a hit (this request's and the one that stored the object), one otherwise.
     */
    public static boolean servedFromCache(List<String> xVarnish) {
        return xVarnish.stream().anyMatch(value -> value.strip().split("\\s+").length > 1);
    }

    @Override
    public void close() throws InterruptedException {
        DebianTools.stop(process);
    }
}
