package dev.cqrs.orders.platform.persistence;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * PostgreSQL's text of a {@code timestamptz} in the ISO date style the driver sets
 * ({@code 2026-11-28 03:25:14.123456+00}, offsets such as {@code +05:30} or {@code -00:25:21}), read
 * as an instant by plain arithmetic. The driver's {@code getTimestamp} goes through a
 * {@code Calendar} for every value: 8 % of a rebuild's CPU (JFR). Anything else
 * ({@code infinity}, years BC or past 9999) answers null, and the caller asks the driver.
 */
final class TimestampText {

    private TimestampText() {
    }

    static Instant parse(String text) {
        int length = text.length();
        if (length < 22 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' '
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int first = ++at;
            while (at < length && Character.isDigit(text.charAt(at))) {
                nanos = nanos * 10 + (text.charAt(at++) - '0');
            }
            int count = at - first;
            if (count == 0 || count > 9) {
                return null;
            }
            for (int i = count; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (at >= length || (text.charAt(at) != '+' && text.charAt(at) != '-')) {
            return null;
        }
        int sign = text.charAt(at) == '+' ? 1 : -1;
        int offsetHours = digits(text, at + 1, at + 3);
        int offsetMinutes = 0;
        int offsetSeconds = 0;
        at += 3;
        if (at < length) {
            offsetMinutes = text.charAt(at) == ':' ? digits(text, at + 1, at + 3) : -1;
            at += 3;
        }
        if (at < length) {
            offsetSeconds = text.charAt(at) == ':' ? digits(text, at + 1, at + 3) : -1;
            at += 3;
        }
        if (at != length || offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59 || offsetSeconds < 0
                || offsetSeconds > 59) {
            return null;
        }
        int offset = offsetHours * 3_600 + offsetMinutes * 60 + offsetSeconds;
        try {
            long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600L + minute * 60L + second
                    - sign * (long) offset;
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 if that is not all digits. */
    private static int digits(String text, int from, int to) {
        if (to > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
