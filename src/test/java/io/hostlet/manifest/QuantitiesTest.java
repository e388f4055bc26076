package io.hostlet.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class QuantitiesTest {

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
            "10s, 10000",
            "500ms, 500",
            "1m30s, 90000",
            "1h, 3600000",
            "1h1m1s1ms, 3661001",
            "0s, 0",
            "999999999ms, 999999999",
            "1m1m, 120000",
    })
    void durationsSumTheirParts(String text, long millis) {
        assertThat(Quantities.duration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "\"{0}\" is no duration")
    @ValueSource(strings = {"", "s", "10", "10x", "1m30", "1.5s", "-1s", " 1s", "1s ", "1000000000s", "ms", "1sm",
            "1M", "1 s"})
    void durationsRefuseWhatIsNotIntegersWithUnits(String text) {
        assertThat(Quantities.duration(text)).isNull();
    }

    @Test
    void aTenKilobyteDurationIsReadOnASmallStack() throws InterruptedException {
        // The reconcile thread has the JVM's default stack; the old regex overflowed 512 KB with 10 KB of 1m.
        String text = "1m".repeat(5_000);
        assertThat(onSmallStack(() -> Quantities.duration(text))).isEqualTo(Duration.ofMinutes(5_000));
        assertThat(onSmallStack(() -> Quantities.duration(text + "x"))).isNull();
    }

    @Test
    void aOneMegabyteDurationIsReadOnASmallStack() throws InterruptedException {
        String text = "1m".repeat(500_000);
        assertThat(onSmallStack(() -> Quantities.duration(text))).isEqualTo(Duration.ofMinutes(500_000));
    }

    @Test
    void hugeByteQuantitiesAreRefusedWithoutOverflow() throws InterruptedException {
        assertThat(onSmallStack(() -> Quantities.bytes("1".repeat(1 << 20)))).isNull();
        assertThat(Quantities.bytes("256Mi")).isEqualTo(256L << 20);
    }

    /** Runs {@code f} on a thread with a 512 KB stack; a StackOverflowError fails the test rather than being lost. */
    static <T> T onSmallStack(java.util.function.Supplier<T> f) throws InterruptedException {
        return io.hostlet.OnStack.call(512 * 1024, java.time.Duration.ofMinutes(2), f);
    }
}
