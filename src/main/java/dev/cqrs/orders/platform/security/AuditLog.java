package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.command.CommandMetadata;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.KeptWrites;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The audit log of command requests in {@code write_db} (write V5). An accepted command's row is
 * written with its events, in its transaction ({@link #commandRow}); every other answer to a
 * command request, refusals included, in a transaction of its own ({@link #record}). The row is also the command's tracking record ({@link Tracking}).
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    private static final int MAX_TEXT = 300;

    private static final String INSERT = """
            INSERT INTO audit_log (principal, command_type, method, path, aggregate_id, status, outcome, correlation_id,
                                   recorded_at, command_id, problem)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""";

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    /** One audit row, as {@code GET /admin/audit} answers it. */
    public record Entry(long id, Instant recordedAt, String principal, String commandType, String method, String path,
                        String aggregateId, int status, String outcome, UUID correlationId, String commandId, String problem) {
    }

    /** A filter of {@link #newest}: {@code null} fields match everything. */
    public record Filter(String principal, String aggregateId, String outcome, Integer status, Long before, int limit) {
    }

    /**
     * The row of the command being handled, for its transaction's other writes ({@link KeptWrites});
     * none if the request has been audited already. Once it is written, the caller marks the request
     * audited ({@link CommandMetadata#audited}), so the response filter does not write another.
     */
    public Optional<KeptWrites.Write> commandRow(CommandMetadata metadata, String aggregateId, int status) {
        if (metadata.auditedStatus() != 0) {
            return Optional.empty();
        }
        return Optional.of(new KeptWrites.Write("the command's audit row", INSERT, null, row(metadata.principal(),
                metadata.commandType(), metadata.method(), metadata.path(), aggregateId, status, metadata.commandId(),
                new Tracking(metadata.receivedAt(), metadata.trackingId(), null))));
    }

    /**
     * What command tracking ({@code GET /commands/{id}}, write V7) keeps in a command's audit row: when
     * the request arrived, the id its client was given ({@code Command-Id}), and the problem+json of a
     * command that was not accepted ({@code null} otherwise).
     */
    public record Tracking(Instant receivedAt, String commandId, String problem) {
    }

    /**
     * Writes one row in a transaction of its own. Failing to write it is logged, not thrown: the
     * answer the client gets does not change, and the log line carries the same fields.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void record(String principal, String commandType, String method, String path, String aggregateId,
                       int status, UUID correlationId, Tracking tracking) {
        try (Connection connection = writeDb.getConnection()) {
            Jdbc.update(connection, INSERT, row(principal, commandType, method, path, aggregateId, status, correlationId,
                    tracking));
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.SEVERE, "audit row not written: principal={0} command={1} {2} {3} status={4} correlation_id={5}: {6}",
                    new Object[] {principal, commandType, method, path, status, correlationId, e.toString()});
        }
    }

    /** {@link #INSERT}'s parameters: the texts a client chose cleaned, the outcome from the status. */
    private static Object[] row(String principal, String commandType, String method, String path, String aggregateId,
                                int status, UUID correlationId, Tracking tracking) {
        return new Object[] {clean(principal), commandType, clean(method), clean(path), clean(aggregateId), status,
                outcome(status), correlationId, tracking.receivedAt(), clean(tracking.commandId()), tracking.problem()};
    }

    /** Newest first, at most {@code filter.limit()} rows with ids below {@code filter.before()}. */
    public List<Entry> newest(Filter filter) throws SQLException {
        StringBuilder sql = new StringBuilder("""
                SELECT id, recorded_at, principal, command_type, method, path, aggregate_id, status, outcome,
                       correlation_id::text, command_id, problem::text
                FROM audit_log WHERE true""");
        List<Object> parameters = new ArrayList<>();
        where(sql, parameters, " AND principal = ?", filter.principal());
        where(sql, parameters, " AND aggregate_id = ?", filter.aggregateId());
        where(sql, parameters, " AND outcome = ?", filter.outcome());
        where(sql, parameters, " AND status = ?", filter.status());
        where(sql, parameters, " AND id < ?", filter.before());
        sql.append(" ORDER BY id DESC LIMIT ?");
        parameters.add(filter.limit());
        List<Entry> entries = new ArrayList<>();
        try (Connection connection = writeDb.getConnection()) {
            for (Object[] row : Jdbc.query(connection, sql.toString(), parameters.toArray())) {
                entries.add(new Entry(((Number) row[0]).longValue(), (Instant) row[1], (String) row[2],
                        (String) row[3], (String) row[4], (String) row[5], (String) row[6],
                        ((Number) row[7]).intValue(), (String) row[8], UUID.fromString((String) row[9]),
                        (String) row[10], (String) row[11]));
            }
        }
        return entries;
    }

    private static void where(StringBuilder sql, List<Object> parameters, String condition, Object value) {
        if (value != null) {
            sql.append(condition);
            parameters.add(value);
        }
    }

    /** The audit's word for a status: refusals are authentication, authorization and rate limits. */
    public static String outcome(int status) {
        if (status >= 200 && status < 300) {
            return "accepted";
        }
        if (status == 401 || status == 403 || status == 429) {
            return "refused";
        }
        return status >= 400 && status < 500 ? "rejected" : "failed";
    }

    /**
     * Text as the request carried it, made storable: PostgreSQL text cannot hold U+0000, and an
     * attacker's path is not worth more than a few hundred characters.
     */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        String bounded = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
        StringBuilder out = new StringBuilder(bounded.length());
        bounded.codePoints().forEach(c -> out.appendCodePoint(
                c == 0 || Character.getType(c) == Character.SURROGATE ? '\uFFFD' : c));
        return out.toString();
    }
}
