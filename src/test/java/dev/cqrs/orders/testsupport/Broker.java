package dev.cqrs.orders.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test stack's Artemis process, paused and resumed with SIGSTOP/SIGCONT: to the application it
 * looks like a broker that stopped answering, without losing its state.
 */
public final class Broker {

    private Broker() {
    }

    public static void pause() {
        signal("STOP");
    }

    public static void resume() {
        signal("CONT");
    }

    private static void signal(String signal) {
        String pidFile = System.getenv("CQRS_TEST_ARTEMIS_PID_FILE");
        if (pidFile == null) {
            throw new IllegalStateException("CQRS_TEST_ARTEMIS_PID_FILE is not set: run the tests with mvn verify");
        }
        try {
            String pid = Files.readString(Path.of(pidFile)).trim();
            Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal the broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the broker", e);
        }
    }
}
