package dev.cqrs.orders.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Faults of the test stack, by scripts/test-stack: the broker killed and started again, PostgreSQL
 * crashed and recovered, one database refusing connections; and what the broker says of a queue.
 */
public final class TestStack {

    private static final File LOG = new File("target/fault-suite/test-stack.log");

    private TestStack() {
    }

    public static void killBroker() {
        run("kill-broker");
    }

    public static void startBroker() {
        run("start-broker");
    }

    public static void crashPostgres() {
        run("crash-postgres");
    }

    public static void startPostgres() {
        run("start-postgres");
    }

    /** {@code database} refuses new connections, and its open ones are ended. */
    public static void databaseDown(String database) {
        run("db-down", database);
    }

    public static void databaseUp(String database) {
        run("db-up", database);
    }

    /**
     * How many consumers the broker has on {@code queue} now (Artemis's queue stat): after the broker
     * started again, the app's sessions come back one by one, each after its own retry interval.
     */
    public static int consumers(String queue) {
        return Integer.parseInt(run("consumers", queue).trim());
    }

    /** Runs scripts/test-stack; its standard output is the answer, its log lines go to {@link #LOG}. */
    private static String run(String... arguments) {
        List<String> command = new ArrayList<>(List.of("scripts/test-stack"));
        command.addAll(List.of(arguments));
        try {
            LOG.getParentFile().mkdirs();
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(LOG))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (log: " + LOG + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }
}
