package dev.cqrs.orders.platform.command;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MultivaluedMap;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What became of a command (issue 18): {@code GET /commands/{id}}. Nothing is written for it on the
 * command's own path that was not written before but two columns of its audit row (write V7); the
 * rest is read where it already is or is recorded by the parts that move the events on:
 * <ul>
 *   <li>the command: its audit row, by the id its client was given ({@code Command-Id}); the
 *       accepted row if there is one (the first: an idempotent replay's rows come after it),
 *       otherwise the latest refusal, with the problem it got;</li>
 *   <li>its events: the event store's rows of the audited aggregate that carry the command's
 *       correlation id, with their global position once the sequencer has numbered them;</li>
 *   <li>{@code published_at}: the outbox relay's receipt, written in the transaction that commits
 *       once the broker has the event ({@code event_publications});</li>
 *   <li>{@code projected_at}: the read side's receipt, written in the read_db transaction that
 *       applied the event to every projection that reads it ({@code event_projections}).</li>
 * </ul>
 * {@code status} is the furthest point all its events have reached: {@code accepted}, {@code
 * published}, {@code projected} (a projected event was published, even if the relay's receipt,
 * committed just after the broker took it, is not visible yet); a command that wrote no event (an admin's action) stays {@code
 * accepted}, and a rejected one has none ({@code null}).
 */
@ApplicationScoped
public class CommandTracking {

    public static final String HEADER = "Command-Id";

    private static final String COMMAND = """
            SELECT command_id, command_type, aggregate_id, principal, recorded_at, outcome = 'accepted', problem::text,
                   correlation_id::text
            FROM audit_log
            WHERE command_id = ? AND (? OR principal = ?) AND recorded_at >= now() - make_interval(secs => ?)
            ORDER BY outcome = 'accepted' DESC, CASE WHEN outcome = 'accepted' THEN id ELSE -id END
            LIMIT 1""";

    private static final String EVENTS = """
            SELECT e.event_id::text, e.type, e.sequence, l.global_position, p.published_at
            FROM events e
            LEFT JOIN event_log l ON l.aggregate_id = e.aggregate_id AND l.sequence = e.sequence
            LEFT JOIN event_publications p ON p.aggregate_id = e.aggregate_id AND p.sequence = e.sequence
            WHERE e.aggregate_id = ? AND e.command_id = ?
            ORDER BY e.sequence""";

    private static final String PROJECTED = """
            SELECT event_id::text, projected_at FROM event_projections WHERE event_id = ANY (?::uuid[])""";

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    @Inject
    @ConfigProperty(name = "cqrs.commands.retention-seconds", defaultValue = "86400")
    int retentionSeconds;

    @PostConstruct
    void check() {
        if (retentionSeconds < 1) {
            throw new IllegalStateException("cqrs.commands.retention-seconds must be at least 1: " + retentionSeconds);
        }
    }

    /** How long a command can be followed, in seconds. */
    public int retentionSeconds() {
        return retentionSeconds;
    }

    /**
     * A command answer's {@code Command-Id} and {@code Link: <.../commands/{id}>; rel="monitor"}
     * (RFC 8288), the link's path under the application's {@code base}.
     */
    public static void announce(MultivaluedMap<String, Object> headers, URI base, String commandId) {
        headers.putSingle(HEADER, commandId);
        headers.add("Link", monitorLink(base.getRawPath(), commandId));
    }

    /** {@code <basePath/commands/id>; rel="monitor"}, the id percent-encoded as one path segment. */
    public static String monitorLink(String basePath, String commandId) {
        String base = basePath.endsWith("/") ? basePath : basePath + "/";
        String segment = URLEncoder.encode(commandId, StandardCharsets.UTF_8).replace("+", "%20");
        return "<" + base + "commands/" + segment + ">; rel=\"monitor\"";
    }

    /**
     * The command's record as {@code GET /commands/{id}} answers it, if {@code principal} sent it
     * (or may read anyone's: an admin) and it is younger than the retention.
     */
    public Optional<JsonObject> find(String commandId, String principal, boolean anyone) throws SQLException {
        Object[] command;
        List<Object[]> events = List.of();
        try (Connection connection = writeDb.getConnection()) {
            Optional<Object[]> found = Jdbc.first(connection, COMMAND, commandId, anyone, principal, retentionSeconds);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            command = found.get();
            UUID aggregate = (Boolean) command[5] ? uuidOrNull((String) command[2]) : null;
            if (aggregate != null) {
                events = Jdbc.query(connection, EVENTS, aggregate, UUID.fromString((String) command[7]));
            }
        }
        Map<String, Instant> projected = new HashMap<>();
        if (!events.isEmpty()) {
            try (Connection connection = readDb.getConnection()) {
                Object[] ids = events.stream().map(row -> UUID.fromString((String) row[0])).toArray();
                for (Object[] row : Jdbc.query(connection, PROJECTED, connection.createArrayOf("uuid", ids))) {
                    projected.put((String) row[0], (Instant) row[1]);
                }
            }
        }
        return Optional.of(toJson(command, events, projected));
    }

    private static JsonObject toJson(Object[] command, List<Object[]> events, Map<String, Instant> projected) {
        boolean accepted = (Boolean) command[5];
        boolean allPublished = true;
        boolean allProjected = true;
        JsonArrayBuilder list = JsonSupport.array();
        for (Object[] event : events) {
            Instant publishedAt = (Instant) event[4];
            Instant projectedAt = projected.get((String) event[0]);
            allPublished &= publishedAt != null;
            allProjected &= projectedAt != null;
            JsonObjectBuilder json = JsonSupport.object()
                    .add("event_id", (String) event[0])
                    .add("type", (String) event[1])
                    .add("version", ((Number) event[2]).intValue());
            if (event[3] == null) {
                json.addNull("position");
            } else {
                json.add("position", ((Number) event[3]).longValue());
            }
            JsonSupport.addText(json, "published_at", publishedAt);
            JsonSupport.addText(json, "projected_at", projectedAt);
            list.add(json);
        }
        JsonObjectBuilder json = JsonSupport.object().add("command_id", (String) command[0]);
        JsonSupport.addText(json, "type", command[1]);
        JsonSupport.addText(json, "aggregate_id", command[2]);
        json.add("principal", (String) command[3])
                .add("received_at", command[4].toString())
                .add("outcome", accepted ? "accepted" : "rejected");
        JsonSupport.addObject(json, "problem", (String) command[6]);
        // A command that wrote nothing has nothing that travels: it stays accepted.
        JsonSupport.addText(json, "status", !accepted ? null : events.isEmpty() ? "accepted"
                : allProjected ? "projected" : allPublished ? "published" : "accepted");
        return json.add("events", list).build();
    }

    private static UUID uuidOrNull(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException notAnAggregate) {
            return null;
        }
    }
}
