package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.core.ThrowingRunnable;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Synchronising a test with hostlet's reconcile passes instead of with time. hostlet numbers its passes in status
 * ({@code lastPass.number}, 1 for the first, never going back) and publishes a pass's number when the pass ends.
 *
 * <p>Having seen pass N, a test cannot tell whether pass N + 1 was already running (and had already read the folder
 * and the engine) when it looked; pass N + 2 began after pass N + 1 ended, so after the look. Hence
 * "{@code awaitPasses(2)}" is the least that proves a whole pass began after some change the test made. Passes
 * that reuse the last engine listing ({@code lastPass.listed == false}) decide on a listing that may be older than
 * the change; {@link #holdsAcrossPasses} therefore also waits for a pass that began after the call and listed the
 * engine afresh (the resync timer asks for one every resync interval, 2 s in the ITs).
 */
public final class Passes {

    private static final Duration POLL = Duration.ofMillis(100);
    /** Generous: passes come at least every resync interval (2 s in the ITs). */
    private static final Duration WITHIN = Duration.ofSeconds(60);

    private final Supplier<JsonNode> status;

    /** Passes of the hostlet whose {@code GET /api/v1/status} {@code status} answers. */
    public Passes(Supplier<JsonNode> status) {
        this.status = status;
    }

    /** The number of the last finished pass; 0 before the first. */
    public long current() {
        return number(status.get());
    }

    /**
     * Returns once {@code n} passes have finished after this call (the pass number reached the one seen now plus
     * {@code n}), with the status that showed it. {@code n = 2}: a whole pass began after the call.
     */
    public JsonNode awaitPasses(int n) {
        long target = current() + n;
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        await().atMost(WITHIN).pollInterval(POLL).until(() -> {
            JsonNode s = status.get();
            seen.set(s);
            return number(s) >= target;
        });
        return seen.get();
    }

    /**
     * Returns once a pass that decided at or after {@code instant} ({@code lastReconcile}, the time a pass plans
     * with) has finished, with the status that showed it. For features whose decisions depend on time (a grace),
     * to know that a pass late enough to act has run, and acted.
     */
    public JsonNode awaitPassAtOrAfter(Instant instant) {
        AtomicReference<Long> late = new AtomicReference<>();
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        await().atMost(WITHIN).pollInterval(POLL).until(() -> {
            JsonNode s = status.get();
            seen.set(s);
            return finishedLate(s, instant, late);
        });
        return seen.get();
    }

    /**
     * Asserts that {@code assertion} holds at every observation (every 100 ms, and once more at the end) until
     * {@code n} (at least 2) further passes have finished and one of them that began after this call listed the
     * engine afresh: so hostlet has read the folder and the engine as they are now and decided, and whatever that
     * decision did is visible at the last observation. The first failing observation fails the test.
     */
    public void holdsAcrossPasses(int n, ThrowingRunnable assertion) {
        holdsAcrossPasses(n, null, assertion);
    }

    /**
     * Like {@link #holdsAcrossPasses(int, ThrowingRunnable)}, and goes on until a pass that decided at or after
     * {@code notBefore} has also finished (see {@link #awaitPassAtOrAfter}): for what hostlet does only once some
     * time has passed (a grace).
     */
    public void holdsAcrossPasses(int n, Instant notBefore, ThrowingRunnable assertion) {
        if (n < 2) {
            throw new IllegalArgumentException("a whole pass begins after the call only from the second on: n >= 2");
        }
        long start = current();
        long target = start + n;
        AtomicBoolean listed = new AtomicBoolean();
        AtomicReference<Long> late = new AtomicReference<>();
        AtomicReference<Throwable> broken = new AtomicReference<>();
        AtomicReference<Long> reached = new AtomicReference<>(start);
        // The status is read before the assertion runs, so the last observation sees what the passes did.
        await().atMost(WITHIN).pollInterval(POLL).until(() -> {
            JsonNode s = status.get();
            long number = number(s);
            reached.set(number);
            if (number >= start + 2 && s.path("lastPass").path("listed").asBoolean(false)) {
                listed.set(true);
            }
            boolean lateEnough = notBefore == null || finishedLate(s, notBefore, late);
            try {
                assertion.run();
            } catch (Throwable t) {
                broken.set(t);
                return true;
            }
            return number >= target && listed.get() && lateEnough;
        });
        if (broken.get() != null) {
            throw new AssertionError("stopped holding at pass " + reached.get() + " (watched from pass " + start
                    + " until " + target + (notBefore == null ? "" : " and a pass at " + notBefore) + "): "
                    + broken.get().getMessage(), broken.get());
        }
    }

    /**
     * Whether a pass that decided at or after {@code instant} is known to have finished. A pass publishes its
     * status (with its {@code lastReconcile}) before its steps run and its number after, so the first status
     * late enough, numbered k, may be the one of pass k + 1 still running: finished once number k + 1 shows.
     */
    private static boolean finishedLate(JsonNode s, Instant instant, AtomicReference<Long> late) {
        long number = number(s);
        if (late.get() == null) {
            String at = s.path("lastReconcile").asText("");
            if (at.isEmpty() || Instant.parse(at).isBefore(instant)) {
                return false;
            }
            late.set(number);
        }
        return number >= late.get() + 1;
    }

    private static long number(JsonNode status) {
        return status.path("lastPass").path("number").asLong(0);
    }
}
