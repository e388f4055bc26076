package io.hostlet.observe;

import io.hostlet.engine.FakeEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An event asks for one pass per follow-up delay, however many events its burst has, and each of them must list. */
class EngineEventsTriggerTest {

    /** Short, but long enough that the test's back-to-back events always fall within the first one (a burst). */
    private static final List<Duration> FOLLOW_UPS = List.of(Duration.ofMillis(100), Duration.ofMillis(150),
            Duration.ofMillis(200));

    private final AtomicReference<Consumer<String>> onEvent = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final FakeEngine engine = new FakeEngine() {
        @Override
        public AutoCloseable events(Runnable onStart, Consumer<String> onEvent, Consumer<String> onEnd) {
            onStart.run(); // the stream is live: docker-java calls this once the response headers arrived
            EngineEventsTriggerTest.this.onEvent.set(onEvent);
            return () -> { };
        }
    };
    private final EngineEventsTrigger trigger = new EngineEventsTrigger(engine, requests::incrementAndGet, FOLLOW_UPS);

    @AfterEach
    void close() {
        trigger.close();
    }

    /** Subscribes and waits until the subscription's own passes (the live stream's and the loop's) were asked for. */
    private Consumer<String> subscribed() {
        trigger.start();
        await().until(() -> onEvent.get() != null && requests.get() == 2);
        return onEvent.get();
    }

    @Test
    void aBurstOfEventsAsksForOnePassPerFollowUpAndEachMovesTheEpoch() {
        Consumer<String> event = subscribed();
        long epoch = trigger.epoch();

        for (int i = 0; i < 5; i++) {
            event.accept(i == 0 ? "id-web" : null); // die, then stop, destroy...: one burst
        }
        await().until(() -> requests.get() == 2 + FOLLOW_UPS.size() && trigger.idle());

        assertThat(requests).hasValue(2 + FOLLOW_UPS.size());
        // five events and one move per follow-up: a list taken between the event and a follow-up is not reused by it
        assertThat(trigger.epoch()).isEqualTo(epoch + 5 + FOLLOW_UPS.size());
        assertThat(trigger.drainTouched()).containsExactly("id-web");
    }

    @Test
    void anEventAfterTheFollowUpsRanAsksForThemAgain() {
        Consumer<String> event = subscribed();

        event.accept(null);
        await().until(() -> requests.get() == 2 + FOLLOW_UPS.size() && trigger.idle());
        event.accept(null);
        await().until(() -> requests.get() == 2 + 2 * FOLLOW_UPS.size() && trigger.idle());

        assertThat(requests).hasValue(2 + 2 * FOLLOW_UPS.size());
    }
}
