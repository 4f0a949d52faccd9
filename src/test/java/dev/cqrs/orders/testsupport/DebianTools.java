package dev.cqrs.orders.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tools the tests run that come from Debian's packages (Varnish, HAProxy): installed with
 * apt-get when missing, as the benchmarks install wrk (on a machine where the tests run as root), run
 * as children of the test, stopped with it.
 */
final class DebianTools {

    private static final Path LOG = Path.of("target/apt.log");

    private DebianTools() {
    }

    /** Installs {@code debianPackage} unless {@code executable} exists. */
    static synchronized void ensure(Path executable, String debianPackage) throws IOException, InterruptedException {
        if (Files.isExecutable(executable)) {
            return;
        }
        if (apt("install", "-y", "-q", debianPackage) != 0
                && (apt("update", "-q") != 0 || apt("install", "-y", "-q", debianPackage) != 0)) {
            throw new IllegalStateException(executable + " is missing and `apt-get install " + debianPackage
                    + "` failed (see " + LOG + ")");
        }
    }

    private static int apt(String... arguments) throws IOException, InterruptedException {
        Files.createDirectories(LOG.getParent());
        List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(arguments));
        ProcessBuilder apt = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
        apt.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return apt.start().waitFor();
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM, and SIGKILL if it has not exited 10 s later. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
