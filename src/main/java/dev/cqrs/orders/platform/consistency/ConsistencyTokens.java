package dev.cqrs.orders.platform.consistency;

import dev.cqrs.orders.platform.persistence.Resources;
import dev.cqrs.orders.platform.problem.FieldError;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * Issues and reads {@code Consistency-Token} values: {@code <aggregate id>.<version>.<mac>}, where
 * the mac is the first 16 bytes of HMAC-SHA256 over {@code <aggregate id>.<version>}, base64url
 * without padding: URL-safe (the same value works as {@code ?consistent_with=}), opaque to clients,
 * and tamper-evident: a client cannot make the server wait for a version it was never told of. The
 * key is write_db's {@code consistency_key}, shared by every instance.
 */
@ApplicationScoped
public class ConsistencyTokens {

    public static final String HEADER = "Consistency-Token";
    public static final String QUERY_PARAMETER = "consistent_with";
    private static final Pattern FORM = Pattern.compile(
            "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.([1-9][0-9]{0,9})\\.([A-Za-z0-9_-]{22})");
    private static final int MAC_BYTES = 16;

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    private volatile SecretKeySpec key;

    public String issue(UUID aggregateId, int version) {
        String payload = aggregateId + "." + version;
        return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(payload));
    }

    /** Reads one value; a malformed or forged one is a 400 naming {@code field}. */
    public ConsistencyToken read(String value, String field) {
        Matcher m = FORM.matcher(value == null ? "" : value.strip());
        if (!m.matches()) {
            throw invalid(field, "is not a token this service issued (take it from a command's " + HEADER + " header)");
        }
        String payload = m.group(1) + "." + m.group(2);
        long version = Long.parseLong(m.group(2));
        byte[] sent = Base64.getUrlDecoder().decode(m.group(3));
        if (version > Integer.MAX_VALUE || !MessageDigest.isEqual(sent, mac(payload))) {
            throw invalid(field, "was not issued by this service (its signature does not match)");
        }
        return new ConsistencyToken(UUID.fromString(m.group(1)), (int) version);
    }

    private static InvalidInputException invalid(String field, String detail) {
        return new InvalidInputException(List.of(new FieldError(field, detail)));
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return Arrays.copyOf(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private SecretKeySpec key() {
        SecretKeySpec known = key;
        if (known == null) {
            try (Connection connection = writeDb.getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT secret FROM consistency_key");
                 ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("write_db has no consistency_key row (migration V6)");
                }
                known = new SecretKeySpec(row.getString(1).getBytes(StandardCharsets.US_ASCII), "HmacSHA256");
                key = known;
            } catch (SQLException e) {
                throw new IllegalStateException("reading the consistency key failed", e);
            }
        }
        return known;
    }
}
