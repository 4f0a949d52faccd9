package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.schedule.QuietRepeat;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The access log of queries, one JSON object per line. With {@code cqrs.access-log.file} set (as
 * {@code ./run}, docker/ and the tests do) the lines are queued and appended to that file by a
 * background task every 200 ms, in batches: the request thread only builds its line. Without it,
 * each line goes to the logger {@code cqrs.access} at INFO, synchronously, through the server's
 * log handlers, which on Payara Micro's console cost most of a cheap query's time (measured: GET /
 * fell from 6,800 to 800 requests/s), so production should set the file.
 */
@ApplicationScoped
public class AccessLog {

    private static final Logger ACCESS = Logger.getLogger("cqrs.access");
    private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());
    private static final int QUEUE = 100_000;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private Path file;
    private ScheduledFuture<?> writing;

    @PostConstruct
    void start() {
        Optional<String> configured = ConfigProvider.getConfig().getOptionalValue("cqrs.access-log.file", String.class)
                .filter(f -> !f.isBlank());
        if (configured.isPresent()) {
            file = Path.of(configured.get());
            writing = scheduler.scheduleWithFixedDelay(new QuietRepeat(LOG, "writing the access log to " + file,
                    this::write), 200, 200, TimeUnit.MILLISECONDS);
            LOG.info(() -> "access log of queries: " + file);
        }
    }

    @PreDestroy
    void stop() {
        if (writing != null) {
            writing.cancel(false);
            try {
                write();
            } catch (IOException e) {
                LOG.warning("the last access log lines were not written: " + e);
            }
        }
    }

    /** One line (a JSON object): queued for the file, or logged at once without one. */
    public void record(String line) {
        if (file == null) {
            ACCESS.info(line);
        } else if (!lines.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    private synchronized void write() throws IOException {
        List<String> batch = new ArrayList<>();
        while (lines.drainTo(batch, 10_000) > 0) {
            StringBuilder text = new StringBuilder(batch.size() * 200);
            batch.forEach(line -> text.append(line).append('\n'));
            // One append per batch: whole lines, so instances sharing a file never interleave within one.
            Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            batch.clear();
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.warning(lost + " access log lines dropped: more than " + QUEUE + " waited for the writer");
        }
    }
}
