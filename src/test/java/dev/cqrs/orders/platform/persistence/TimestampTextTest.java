package dev.cqrs.orders.platform.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampTextTest {

    @Test
    void readsWhatPostgresqlPrints() {
        // Printed by psql (PostgreSQL 15) with the time zone named in each comment.
        assertEquals(Instant.parse("2026-11-28T03:25:14.120Z"), TimestampText.parse("2026-11-28 03:25:14.12+00")); // UTC
        assertEquals(Instant.parse("2026-11-28T03:25:14Z"), TimestampText.parse("2026-11-28 03:25:14+00"));
        assertEquals(Instant.parse("2026-11-28T03:25:14.123456Z"),
                TimestampText.parse("2026-11-28 08:55:14.123456+05:30")); // Asia/Kolkata
        assertEquals(Instant.parse("2026-11-28T03:25:14.000001Z"),
                TimestampText.parse("2026-11-27 23:55:14.000001-03:30")); // America/St_Johns
        assertEquals(Instant.parse("1900-01-01T00:00:00Z"), TimestampText.parse("1900-01-01 00:19:32+00:19:32")); // Amsterdam
    }

    @Test
    void agreesWithJavaTimeOnRandomInstantsAndOffsets() {
        Random random = new Random(20261128);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-2_208_988_800L, 4_102_444_800L),
                    random.nextInt(1_000_000) * 1_000L);
            int offsetSeconds = random.nextInt(3) == 0 ? 0
                    : (random.nextBoolean() ? 1 : -1) * (random.nextInt(15) * 3600 + random.nextInt(4) * 15 * 60
                            + (random.nextInt(5) == 0 ? random.nextInt(60) : 0));
            String text = postgresText(instant, ZoneOffset.ofTotalSeconds(offsetSeconds));
            assertEquals(instant, TimestampText.parse(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"infinity", "-infinity", "0044-03-15 12:19:32+00:19:32 BC", "10000-01-01 00:00:00+00",
        "2026-11-28 03:25:14", "2026-11-28T03:25:14+00", "2026-11-28 03:25:14.+00", "2026-11-28 03:25:14.1234567890+00",
        "2026-11-28 03:25:14+0", "2026-11-28 03:25:14+00:", "2026-11-28 03:25:14+00:60", "2026-02-30 03:25:14+00",
        "2026-11-28 24:00:00+00", "2026-11-28 03:25:14+00 ", "2026-1x-28 03:25:14+00"})
    void leavesAnythingElseToTheDriver(String text) {
        assertNull(TimestampText.parse(text), text);
    }

    /** As PostgreSQL prints a timestamptz in the ISO style: fraction without trailing zeros, offset as short as it goes. */
    private static String postgresText(Instant instant, ZoneOffset offset) {
        LocalDateTime local = LocalDateTime.ofInstant(instant, offset);
        StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02d %02d:%02d:%02d", local.getYear(),
                local.getMonthValue(), local.getDayOfMonth(), local.getHour(), local.getMinute(), local.getSecond()));
        if (local.getNano() != 0) {
            text.append('.').append(String.format("%06d", local.getNano() / 1000).replaceFirst("0+$", ""));
        }
        int total = offset.getTotalSeconds();
        int abs = Math.abs(total);
        text.append(total < 0 ? '-' : '+').append(String.format("%02d", abs / 3600));
        if (abs % 3600 != 0) {
            text.append(String.format(":%02d", abs % 3600 / 60));
            if (abs % 60 != 0) {
                text.append(String.format(":%02d", abs % 60));
            }
        }
        return text.toString();
    }
}
