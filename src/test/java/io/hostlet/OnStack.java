package io.hostlet;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs code on a thread with a stack of a chosen size, for tests that prove a parser or scanner cannot overflow the
 * loop's stack: a {@link StackOverflowError} (or anything else thrown) fails the test instead of being lost with the
 * thread, and so does running past {@code limit}.
 */
public final class OnStack {

    /** The loop thread's stack: the JVM's default on Linux. */
    public static final long LOOP_STACK = 1024 * 1024;

    private OnStack() {
    }

    /** {@code f}'s result, computed on a thread with {@code stackBytes} of stack within {@code limit}. */
    public static <T> T call(long stackBytes, Duration limit, Supplier<T> f) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(f.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "stack-" + stackBytes / 1024 + "k", stackBytes);
        t.start();
        t.join(limit.toMillis());
        assertThat(t.isAlive()).as("still running after %s", limit).isFalse();
        assertThat(failure.get()).as("thrown").isNull();
        return result.get();
    }
}
