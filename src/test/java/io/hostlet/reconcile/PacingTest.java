package io.hostlet.reconcile;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Passes are spaced only while steps run beside the loop, and never when the source has new input. */
class PacingTest {

    private static final Instant LAST = Instant.parse("2026-11-30T12:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            idle loop, just after a pass: at once                 | 0   | false | true  | 10    | 0
            idle loop before any pass: at once                    | 0   | false | false | 0     | 0
            steps in flight, no pass yet: at once                 | 1   | false | false | 0     | 0
            steps in flight, 10 ms after a pass: the rest of 1 s  | 1   | false | true  | 10    | 990
            31 in flight: still 1 s                               | 31  | false | true  | 10    | 990
            32 in flight: 2 s                                     | 32  | false | true  | 10    | 1990
            48 in flight: 3 s                                     | 48  | false | true  | 10    | 2990
            a cold converge of 500: at most 3 s                   | 500 | false | true  | 10    | 2990
            steps in flight, 1 s after a pass: at once            | 1   | false | true  | 1000  | 0
            many in flight, 2.5 s after a pass: the rest of 3 s   | 100 | false | true  | 2500  | 500
            steps in flight, long after a pass: at once           | 100 | false | true  | 5000  | 0
            steps in flight, the clock went back: one spacing     | 1   | false | true  | -3000 | 1000
            many in flight, the clock went back: one spacing      | 100 | false | true  | -9000 | 3000
            new input with steps in flight: at once               | 1   | true  | true  | 10    | 0
            new input with many in flight: at once                | 100 | true  | true  | 10    | 0
            new input on an idle loop: at once                    | 0   | true  | true  | 10    | 0
            """)
    void restBeforeTheNextPass(String name, int inFlight, boolean newInput, boolean hadPass, long sinceMillis,
                               long restMillis) {
        Instant now = LAST.plusMillis(sinceMillis);
        assertThat(Pacing.rest(inFlight, newInput, hadPass ? LAST : null, now)).isEqualTo(Duration.ofMillis(restMillis));
    }
}
