package io.hostlet.reconcile;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** When liveness says the loop is stuck, and when a long but legitimate pass or an idle loop is still alive. */
class LoopHealthTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final Duration RESYNC = Duration.ofSeconds(30);
    static final Duration LONGEST = Duration.ofMinutes(27);

    static Instant ago(long seconds) {
        return NOW.minusSeconds(seconds);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                arguments("a dead loop thread is stuck at once", new LoopHealth(false, ago(5), false, ago(3), ago(2)),
                        "the reconcile thread has ended"),
                arguments("not started (waiting for the instance lock) is alive", new LoopHealth(true, null, false, null, null),
                        null),
                arguments("just started, no pass ended yet, is alive", new LoopHealth(true, ago(10), true, ago(10), null),
                        null),
                arguments("a pass stopping a container with a long grace for 11 minutes is alive",
                        new LoopHealth(true, ago(3600), true, ago(660), ago(700)), null),
                arguments("a pass running longer than the longest legitimate one is stuck",
                        new LoopHealth(true, ago(7200), true, ago(1621), ago(1700)),
                        "a pass has been running for 1621s (the longest legitimate one takes 1620s)"),
                arguments("idle for a resync interval is alive", new LoopHealth(true, ago(3600), false, ago(31), ago(30)),
                        null),
                arguments("idle for a resync interval and more than a minute is stuck",
                        new LoopHealth(true, ago(3600), false, ago(95), ago(91)),
                        "no pass has ended for 91s (resync interval 30s)"),
                arguments("never ending a first pass that never began counts from the loop's start",
                        new LoopHealth(true, ago(91), false, null, null), "no pass has ended for 91s (resync interval 30s)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void judgesTheLoop(String name, LoopHealth health, String expected) {
        assertThat(LoopHealth.stuck(health, RESYNC, LONGEST, NOW)).isEqualTo(expected);
    }
}
