package dev.cqrs.orders.order.query;

import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import dev.cqrs.orders.platform.problem.Problems;
import dev.cqrs.orders.platform.security.Caller;
import dev.cqrs.orders.readmodel.ViewChangeFeed;
import dev.cqrs.orders.readmodel.ViewChangeFeed.Changed;
import dev.cqrs.orders.readmodel.ViewChangeFeed.Position;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Server-sent events of order views (issue 19): {@code GET /orders/{id}/changes} and {@code GET
 * /orders/changes}. Each stream follows {@link ViewChangeFeed} from where it starts (now, or the
 * {@code Last-Event-ID} it resumes from) and sends each change of a view it may see and asked for as
 * {@code event: order}, {@code id: <position>}, {@code data: <the view as GET /orders/{id} answered
 * it at that version>}: each change is one event, however fast the next one follows (the projection
 * writes the view with the change, {@code view_changes.row_data}). A resume from before what {@code
 * view_changes} still holds first gets {@code event: gap}.
 * A comment every {@code cqrs.streams.heartbeat-seconds} (15) when nothing else was sent. Events
 * wait in a bounded queue per stream ({@code cqrs.streams.max-queued-events}, 1000), sent on a
 * managed thread. A stream whose queue is full takes no more: it stays at its position in {@code
 * view_changes} (where the rest waits, not in memory) and does not hold back where the feed reads
 * for the others; one whose reader takes no event for {@code cqrs.streams.slow-reader-seconds} (10)
 * while events wait is dropped. The projections never wait for streams. At most {@code cqrs.streams.max-per-caller} (5)
 * streams per caller across all instances ({@link StreamLeases}): one more is a 429. Shutdown closes every stream ({@link #closeAll}).
 */
@ApplicationScoped
public class OrderStreams {

    private static final Logger LOG = Logger.getLogger(OrderStreams.class.getName());
    public static final String EVENT = "order";
    public static final String GAP = "gap";

    @Inject
    ViewChangeFeed feed;

    @Inject
    StreamLeases leases;

    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "cqrs.streams.max-per-caller", defaultValue = "5")
    int maxPerCaller;

    @Inject
    @ConfigProperty(name = "cqrs.streams.heartbeat-seconds", defaultValue = "15")
    long heartbeatSeconds;

    @Inject
    @ConfigProperty(name = "cqrs.streams.max-queued-events", defaultValue = "1000")
    int maxQueued;

    @Inject
    @ConfigProperty(name = "cqrs.streams.slow-reader-seconds", defaultValue = "10")
    long slowReaderSeconds;

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final LongAdder opened = new LongAdder();
    private final LongAdder pushed = new LongAdder();
    private final LongAdder droppedSlow = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private volatile boolean shuttingDown;

    @PostConstruct
    void renewLeases() {
        leases.heldBy(() -> open.stream().map(stream -> stream.id).toList());
    }

    /**
     * Opens a stream on {@code sink} of the views {@code wanted} selects among those {@code access}
     * may see, from {@code lastEventId} on (a resume) or from now.
     */
    public void open(SseEventSink sink, Sse sse, String caller, Caller.Access access, Predicate<OrderView> wanted,
                     String lastEventId) {
        Optional<Position> resumed = Optional.empty();
        if (lastEventId != null) {
            resumed = Position.parse(lastEventId);
            if (resumed.isEmpty()) {
                throw new InvalidInputException(List.of(new FieldError("Last-Event-ID",
                        "must be the id of an event of this stream (<number>-<number>)")));
            }
        }
        // read_db first: if it cannot answer, nothing is counted (the 503 says why).
        Position from = resumed.orElseGet(feed::now);
        Position forgotten = resumed.isPresent() ? feed.forgotten() : null;
        boolean gap = forgotten != null && forgotten.compareTo(from) > 0;
        UUID id = UUID.randomUUID();
        boolean counted;
        try {
            counted = leases.take(id, caller, maxPerCaller);
        } catch (SQLException e) {
            throw new IllegalStateException("counting the caller's open streams failed", e);
        }
        if (!counted) {
            throw new WebApplicationException(Problems.response(429, "too-many-streams", "Too many open streams",
                    "at most " + maxPerCaller + " open streams per caller, on all instances together; close one first",
                    List.of()));
        }
        // After a gap, the stream goes on from the oldest change kept.
        Stream stream = new Stream(id, sink, sse, caller, view -> access.mayAccess(view.userId()) && wanted.test(view),
                gap ? forgotten : from);
        open.add(stream);
        opened.increment();
        if (gap) {
            gaps.increment();
            stream.queue(gap(sse, from));
        } else {
            // Sent at once: the client sees the stream is open (and a proxy does not wait for a first byte).
            stream.queue(sse.newEventBuilder().comment("open").build());
        }
        feed.follow(OrderView.TABLE, stream);
        if (shuttingDown) {
            // Opened while the application stops, after closeAll: ended at once (the client opens it again elsewhere).
            stream.close();
        }
    }

    private static OutboundSseEvent gap(Sse sse, Position from) {
        return sse.newEventBuilder().name(GAP).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, "{\"detail\":\"changes after " + from.id() + " are no longer kept (cqrs.view-changes."
                        + "retention-minutes): read the views again; the stream goes on from the oldest change kept\"}")
                .build();
    }

    /** open, opened, events_pushed, dropped_slow, gaps: this instance's streams since it started. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("open", (long) open.size());
        counts.put("opened", opened.sum());
        counts.put("events_pushed", pushed.sum());
        counts.put("dropped_slow", droppedSlow.sum());
        counts.put("gaps", gaps.sum());
        return counts;
    }

    /**
     * Ends every stream, each with its body's last chunk: as the web application stops ({@link
     * StreamsShutdown}, before the server's HTTP listener may stop) and, should that not have run,
     * when this bean is destroyed. New streams are not opened after it.
     */
    @PreDestroy
    public void closeAll() {
        shuttingDown = true;
        open.forEach(Stream::close);
    }

    /** One open stream: where it is, what it sends, and its queue. */
    private final class Stream implements ViewChangeFeed.Follower<OrderView> {
        private final UUID id;
        private final SseEventSink sink;
        private final Sse sse;
        private final String caller;
        private final Predicate<OrderView> sees;
        private final BlockingQueue<OutboundSseEvent> queue;
        private final AtomicBoolean sending = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile Position position;
        private volatile long lastQueuedNanos = System.nanoTime();
        // When an event was last sent, or nothing was waiting to be.
        private volatile long lastSentNanos = System.nanoTime();

        Stream(UUID id, SseEventSink sink, Sse sse, String caller, Predicate<OrderView> sees, Position from) {
            this.id = id;
            this.sink = sink;
            this.sse = sse;
            this.caller = caller;
            this.sees = sees;
            this.position = from;
            this.queue = new ArrayBlockingQueue<>(maxQueued);
        }

        @Override
        public Position position() {
            return position;
        }

        @Override
        public boolean missed(Position forgotten) {
            if (closed.get()) {
                return false;
            }
            if (!hasRoom()) {
                // No room to say it: ended; a resume with its last id gets the gap.
                close();
                return false;
            }
            gaps.increment();
            queue(gap(sse, position));
            position = forgotten;
            return true;
        }

        @Override
        public boolean hasRoom() {
            return queue.remainingCapacity() > 0;
        }

        @Override
        public boolean take(List<Changed<OrderView>> changes, Position upTo) {
            if (closed.get() || sink.isClosed()) {
                close();
                return false;
            }
            boolean all = true;
            for (Changed<OrderView> change : changes) {
                if (sees.test(change.row())) {
                    if (queue.remainingCapacity() == 0) {
                        all = false;
                        break;
                    }
                    queue(sse.newEventBuilder().id(change.position().id()).name(EVENT)
                            .mediaType(MediaType.APPLICATION_JSON_TYPE)
                            .data(String.class, change.row().toJson().toString()).build());
                }
                position = change.position();
            }
            long now = System.nanoTime();
            if (all) {
                position = upTo;
            }
            // Stuck: events wait (in the queue, or changes that did not fit) and none was sent for a while.
            if (all && queue.isEmpty()) {
                lastSentNanos = now;
            } else if (now - lastSentNanos > TimeUnit.SECONDS.toNanos(slowReaderSeconds)) {
                droppedSlow.increment();
                LOG.info(() -> "a stream of " + caller + " is closed: its reader took no event for " + slowReaderSeconds
                        + " s (" + queue.size() + " events waiting to be sent)");
                close();
                return false;
            }
            if (now - lastQueuedNanos > TimeUnit.SECONDS.toNanos(heartbeatSeconds) && hasRoom()) {
                queue(sse.newEventBuilder().comment("").build());
            }
            return !closed.get();
        }

        void queue(OutboundSseEvent event) {
            if (closed.get()) {
                return;
            }
            lastQueuedNanos = System.nanoTime();
            if (!queue.offer(event)) {
                return; // only the feed's thread queues events, after it looked for room: a comment may be left out
            }
            if (sending.compareAndSet(false, true)) {
                executor.execute(this::send);
            }
        }

        /** On a managed thread: the queue, in order, one event after the other. */
        private void send() {
            try {
                OutboundSseEvent next;
                while (!closed.get() && (next = queue.poll()) != null) {
                    sink.send(next).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    lastSentNanos = System.nanoTime();
                    if (next.getName() != null) {
                        pushed.increment();
                    }
                }
            } catch (Exception e) {
                LOG.log(Level.FINE, "a stream of " + caller + " is closed: sending failed", e);
                close();
            } finally {
                sending.set(false);
            }
            if (!closed.get() && !queue.isEmpty() && sending.compareAndSet(false, true)) {
                executor.execute(this::send);
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.remove(this);
                feed.unfollow(this);
                queue.clear();
                if (shuttingDown) {
                    closeSink();
                    leases.release(id);
                } else {
                    // Not on the feed's thread: closing writes the last chunk, which a reader that stopped
                    // reading may never take (the send in progress gives up after 30 s); and the lease's
                    // release is a round trip to read_db.
                    executor.execute(() -> {
                        leases.release(id);
                        closeSink();
                    });
                }
            }
        }

        private void closeSink() {
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing a stream", e);
            }
        }
    }

    /** A stream's filters, as {@code GET /orders} takes them (validated the same way). */
    static Predicate<OrderView> filter(UUID userId, UUID productId, String status) {
        return view -> (userId == null || view.userId().equals(userId))
                && (productId == null || view.productId().equals(productId))
                && (status == null || view.status().name().equals(status));
    }
}
