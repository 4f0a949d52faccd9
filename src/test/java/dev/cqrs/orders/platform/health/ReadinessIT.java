package dev.cqrs.orders.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cqrs.orders.testsupport.AppProcess;
import dev.cqrs.orders.testsupport.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * "Ready" means "serves requests" (MicroProfile Health's readiness), from the first moment the
 * server listens: a server started fresh is probed every 0.1 s, {@code GET /health/ready} then
 * {@code GET /} in each round, from the first open port until both have answered 200 for two
 * seconds. Readiness never says UP while the application does not answer yet (a round whose ready
 * probe said 200 and whose root, asked after it, did not) and never goes back once UP. Readiness
 * is where the server's documentation says ({@link TestServer#healthBase}): on Payara Micro the
 * application's own endpoint, on WildFly the management interface's.
 */
class ReadinessIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static AppProcess app;

    /** One round of probes: what each answered (0: nothing listened yet). */
    private record Round(long millis, int ready, int root, String readyBody) {
        @Override
        public String toString() {
            // The readiness answer's body where it said UP too early: which checks were (not) there.
            return java.time.LocalTime.ofNanoOfDay(0).plus(Duration.ofMillis(millis)) + " ready " + ready + ", root " + root + (ready == 200 && root != 200 ? " " + readyBody : "");
        }
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void readinessSaysUpOnlyOnceTheApplicationAnswersAndThenStaysUp() throws Exception {
        int port = Integer.parseInt(System.getProperty("readiness.http.port", "18083"));
        app = new AppProcess("readiness", port, Map.of()).launch();
        URI ready = TestServer.current().healthBase(port).resolve("health/ready");
        URI root = app.base();
        List<Round> rounds = new ArrayList<>();
        long started = System.nanoTime();
        int[] bothUp = {0};
        // A probe every 0.1 s, as an orchestrator's: the period of the sampling, not a wait for a state.
        Awaitility.await("two seconds of both answering 200").atMost(Duration.ofMinutes(6))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
                    assertThat(app.alive()).as("the server runs; rounds so far: %s", rounds).isTrue();
                    HttpResponse<String> readiness = get(ready);
                    Round round = new Round(java.time.Instant.now().toEpochMilli() % 86_400_000L,
                            readiness == null ? 0 : readiness.statusCode(), status(root),
                            readiness == null ? "" : readiness.body());
                    if (round.ready() != 0 || round.root() != 0) {
                        rounds.add(round);
                    }
                    bothUp[0] = round.ready() == 200 && round.root() == 200 ? bothUp[0] + 1 : 0;
                    return bothUp[0] >= 20;
                });
        assertThat(rounds).as("readiness said UP while the application did not answer: %s", rounds)
                .noneMatch(r -> r.ready() == 200 && r.root() != 200);
        int firstUp = 0;
        while (rounds.get(firstUp).ready() != 200) {
            firstUp++;
        }
        assertThat(rounds.subList(firstUp, rounds.size())).as("readiness went back DOWN after UP: %s", rounds)
                .allMatch(r -> r.ready() == 200);
        // Before: 503 (DOWN), or 404 or 500 while the server's endpoint or the application is not there yet.
        assertThat(rounds.subList(0, firstUp)).as("readiness before UP: %s", rounds).noneMatch(r -> r.ready() == 200);
    }

    private static int status(URI uri) throws InterruptedException {
        HttpResponse<String> answer = get(uri);
        return answer == null ? 0 : answer.statusCode();
    }

    /** The answer, or null while nothing listens. */
    private static HttpResponse<String> get(URI uri) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }
}
