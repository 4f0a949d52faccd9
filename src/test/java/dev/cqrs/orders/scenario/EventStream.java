package dev.cqrs.orders.scenario;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A client of a server-sent event stream (the WHATWG event stream format: {@code id:}, {@code
 * event:}, {@code data:} lines, a blank line ends an event, {@code :} starts a comment), read on a
 * thread of its own into a queue, each event with the time it arrived.
 */
final class EventStream implements AutoCloseable {

    record Event(String id, String name, String data, Instant arrived) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final List<Instant> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.CompletableFuture<String> ended = new java.util.concurrent.CompletableFuture<>();
    private volatile boolean opened;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        this.reader.setDaemon(true);
        if (response.statusCode() == 200) {
            reader.start();
        }
    }

    /** Opens {@code path} of {@code system} with {@code Accept: text/event-stream}; headers as name, value, ... */
    static EventStream open(OrderSystem system, String token, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(system.base().resolve(path)).GET()
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return new EventStream(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new IllegalStateException("opening " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int status() {
        return response.statusCode();
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The body of an answer that is not a stream (a problem). */
    String body() {
        try (Stream<String> lines = response.body()) {
            return String.join("\n", lines.toList());
        }
    }

    /** Whether the server's first bytes (its "open" comment) arrived. */
    boolean opened() {
        return opened;
    }

    /** The next event within {@code wait}; {@code null} when none came. */
    Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every event that has arrived and not been taken. */
    List<Event> drain() {
        List<Event> all = new ArrayList<>();
        events.drainTo(all);
        return all;
    }

    private void read() {
        String id = null;
        String name = null;
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null || name != null) {
                        events.add(new Event(id, name == null ? "message" : name, data == null ? "" : data.toString(),
                                Instant.now()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    opened = true;
                    comments.add(Instant.now());
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> {
                            // retry and unknown fields: not used here
                        }
                    }
                }
            }
            ended.complete("end");
        } catch (RuntimeException closed) {
            // The stream broke (closed by us, or the connection was cut).
            ended.complete("broken: " + closed);
        }
    }

    /** When each comment line (the "open" comment, heartbeats) arrived. */
    List<Instant> comments() {
        return List.copyOf(comments);
    }

    /**
     * How the stream ended, once it has: "end" when the server ended it cleanly (the last chunk of
     * the chunked body came), "broken: ..." when the connection failed.
     */
    java.util.concurrent.CompletableFuture<String> ended() {
        return ended;
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            response.body().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }
}
