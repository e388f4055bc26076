package io.hostlet.reconcile;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests coalesce, a requested pass waits out its pacing while steps run, and a preview wakes the waiter without
 * taking the request. The clock stands still, so a wait that is not over returns only because a preview is asked.
 */
class PassQueueTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant LATER = T0.plusSeconds(30);

    final PassQueue queue = new PassQueue(Clock.fixed(T0, ZoneOffset.UTC));

    static PassQueue.Load load(int inFlight, boolean unread) {
        return new PassQueue.Load() {
            @Override
            public int inFlight() {
                return inFlight;
            }

            @Override
            public boolean unread() {
                return unread;
            }
        };
    }

    @Test
    void manyRequestsAreOnePass() throws Exception {
        queue.request();
        queue.request();
        queue.request();

        assertThat(queue.await(LATER, load(0, false), null)).isTrue();
        queue.preview(); // else the next wait would last until LATER
        assertThat(queue.await(LATER, load(0, false), null)).as("no second pass").isFalse();
    }

    @Test
    void aPassIsDueAtItsWakeUpWithoutARequest() throws Exception {
        assertThat(queue.await(T0, load(0, false), null)).isTrue();
    }

    @Test
    void aRequestedPassWaitsOutItsPacingWhileStepsRun() throws Exception {
        queue.request();
        queue.preview();
        assertThat(queue.await(LATER, load(1, false), T0)).as("paced: 1 s after the last start").isFalse();
        assertThat(queue.await(LATER, load(0, false), T0)).as("nothing in flight: at once").isTrue();
    }

    @Test
    void newDesiredStateIsNeverPaced() throws Exception {
        queue.request();
        assertThat(queue.await(LATER, load(5, true), T0)).isTrue();
    }

    @Test
    void retriesAreTakenOnceInOrderAndAskForAPass() throws Exception {
        queue.retry("web");
        queue.retry("db");

        assertThat(queue.takeRetries()).containsExactly("web", "db");
        assertThat(queue.takeRetries()).isEmpty();
        assertThat(queue.await(LATER, load(0, false), null)).isTrue();
    }
}
