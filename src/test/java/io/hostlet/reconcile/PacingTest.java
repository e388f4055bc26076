package io.hostlet.reconcile;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Passes are spaced only while steps run beside the loop. */
class PacingTest {

    private static final Instant LAST = Instant.parse("2026-11-30T12:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            idle loop, just after a pass: at once                 | false | true  | 10   | 0
            idle loop before any pass: at once                    | false | false | 0    | 0
            steps in flight, no pass yet: at once                 | true  | false | 0    | 0
            steps in flight, 10 ms after a pass: the rest of 1 s  | true  | true  | 10   | 990
            steps in flight, 1 s after a pass: at once            | true  | true  | 1000 | 0
            steps in flight, long after a pass: at once           | true  | true  | 5000 | 0
            steps in flight, the clock went back: one spacing     | true  | true  | -3000 | 1000
            """)
    void restBeforeTheNextPass(String name, boolean inFlight, boolean hadPass, long sinceMillis, long restMillis) {
        Instant now = LAST.plusMillis(sinceMillis);
        assertThat(Pacing.rest(inFlight, hadPass ? LAST : null, now)).isEqualTo(Duration.ofMillis(restMillis));
    }
}
