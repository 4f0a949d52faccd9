package dev.cqrs.orders.platform.health;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether this instance's application answers requests yet, for {@link ServingReadinessCheck}.
 * A server opens its HTTP port, answers its own endpoints (Payara Micro: {@code /health/ready}) and
 * calls the application's health checks while the application is still being deployed, when its
 * own URLs still answer 404 or 500 (measured by {@code ReadinessIT}). No Jakarta EE event says "the
 * server routes requests to the application now", so the application asks itself: from its start,
 * every 100 ms (once a second after a minute), {@code GET} of {@code cqrs.readiness.self-url} (where
 * this instance's application answers, its root: e.g. {@code http://127.0.0.1:8080/}; ./run, the
 * tests and docker/ set it), until the answer is a 200 with the API root's links in it; then it stops
 * asking, and the application answers for good.
 *
 * <p>Without {@code cqrs.readiness.self-url} the application counts as answering once it has
 * started (this bean's start), as before issue 18: readiness may then say UP a moment before the
 * server routes requests to it, which the start-up log says.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class ApplicationAnswers {

    private static final Logger LOG = Logger.getLogger(ApplicationAnswers.class.getName());
    private static final long PERIOD_MS = 100;
    private static final long REPORT_EVERY = 100;
    private static final long SLOWER_AFTER = 600;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "cqrs.readiness.self-url")
    Optional<String> selfUrl;

    private volatile boolean answered;
    private volatile ScheduledFuture<?> asking;
    private URI self;
    private long ticks;
    private long asked;

    @PostConstruct
    void start() {
        if (selfUrl.isEmpty() || selfUrl.get().isBlank()) {
            LOG.warning("cqrs.readiness.self-url is not set: readiness says UP once the application has started,"
                    + " which may be a moment before the server routes requests to it");
            answered = true;
            return;
        }
        self = URI.create(selfUrl.get().strip());
        if (!"http".equals(self.getScheme()) && !"https".equals(self.getScheme())) {
            throw new IllegalStateException("cqrs.readiness.self-url must be an http(s) URL: " + selfUrl.get());
        }
        asking = scheduler.scheduleWithFixedDelay(this::ask, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (asking != null) {
            asking.cancel(true);
        }
    }

    /** Whether the application has answered (once true, true for good). */
    public boolean answered() {
        return answered;
    }

    public String selfUrl() {
        return self == null ? "" : self.toString();
    }

    // One request at a time (a fixed delay runs no two at once): the counts need no lock.
    private void ask() {
        if (answered) {
            asking.cancel(false);
            return;
        }
        ticks++;
        if (ticks > SLOWER_AFTER && ticks % 10 != 0) {
            return; // after a minute without an answer (a wrong URL?), once a second
        }
        asked++;
        if (apiRootAnswers()) {
            answered = true;
            LOG.info("the application answers at " + self + " (asked " + asked + " times): ready");
            asking.cancel(false);
        } else if (asked % REPORT_EVERY == 0) {
            LOG.info("the application does not answer at " + self + " yet (asked " + asked + " times)");
        }
    }

    private boolean apiRootAnswers() {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) self.toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            connection.setRequestProperty("Accept", "application/json");
            if (connection.getResponseCode() != 200) {
                return false;
            }
            try (InputStream body = connection.getInputStream()) {
                String links = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                return links.contains("\"orders\"") && links.contains("\"openapi\"");
            }
        } catch (IOException | RuntimeException notYet) {
            return false;
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
