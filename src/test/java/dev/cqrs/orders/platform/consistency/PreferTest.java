package dev.cqrs.orders.platform.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wait preference of RFC 7240 §4.3, read as §2 says: names case-insensitive, the unknown ignored. */
class PreferTest {

    private static final Duration FALLBACK = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofSeconds(30);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "wait=10|10", "WAIT=10|10", "wait = 7|7", "wait=\"12\"|12", "respond-async, wait=3|3",
            "return=minimal; foo=\"a,b\", wait=4|4", "wait=0|0", "wait=31|30", "wait=999999999|30",
            "wait=abc|5", "wait=-1|5", "wait=1.5|5", "wait|5", "handling=lenient|5", "|5"})
    void theWaitAskedForBoundedByTheMaximum(String header, long seconds) {
        List<String> headers = header == null ? null : List.of(header);
        assertThat(Prefer.waitOf(headers, FALLBACK, MAX)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void theFirstUnderstoodWaitOfSeveralHeadersCounts() {
        assertThat(Prefer.waitOf(Arrays.asList("respond-async", "wait=2", "wait=9"), FALLBACK, MAX))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(Prefer.waitOf(List.of(), FALLBACK, MAX)).isEqualTo(FALLBACK);
    }
}
