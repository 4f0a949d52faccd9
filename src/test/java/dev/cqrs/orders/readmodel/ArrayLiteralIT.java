package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.platform.persistence.Jdbc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cqrs.orders.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A rebuild sends each column of rows as one array literal ({@link Jdbc#arrayLiteral}, as {@code ShadowTables} does); what
 * PostgreSQL reads back must be the values themselves, whatever an event's text holds (an event
 * store keeps texts older rules allowed).
 */
class ArrayLiteralIT {

    @Test
    void textsComeBackAsTheyWere() throws Exception {
        List<String> texts = Arrays.asList("plain", "with space", "comma, and {braces}", "quote \" inside",
                "back\\slash", "\\\"", "", "NULL", null, "tab\tnew\nline", "naïve ünïcode ✓", " padded ");
        assertArrayEquals(texts.toArray(), (Object[]) roundTrip(Jdbc.arrayLiteral(texts, true), "text").getArray());
    }

    @Test
    void plainValuesComeBackAsTheyWere() throws Exception {
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID());
        assertArrayEquals(ids.toArray(), (Object[]) roundTrip(Jdbc.arrayLiteral(ids, false), "uuid").getArray());
        List<BigDecimal> amounts = List.of(new BigDecimal("9.99"), new BigDecimal("1E+3"), new BigDecimal("-0.001"));
        Object[] back = (Object[]) roundTrip(Jdbc.arrayLiteral(amounts, false), "numeric").getArray();
        for (int i = 0; i < amounts.size(); i++) {
            assertEquals(0, amounts.get(i).compareTo((BigDecimal) back[i]), amounts.get(i) + " vs " + back[i]);
        }
        List<Long> micros = Arrays.asList(1_795_836_418_320_123L, -1_500_000L, null);
        assertArrayEquals(micros.toArray(), (Object[]) roundTrip(Jdbc.arrayLiteral(micros, false), "int8").getArray());
    }

    private static Array roundTrip(String literal, String type) throws Exception {
        try (Connection read = TestDatabases.read();
             PreparedStatement statement = read.prepareStatement("SELECT CAST(? AS " + type + "[])")) {
            statement.setString(1, literal);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getArray(1);
            }
        }
    }
}
