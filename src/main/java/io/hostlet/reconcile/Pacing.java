package io.hostlet.reconcile;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a requested pass waits while steps run beside the loop (pure, so it is table-tested).
 *
 * <p>Every step that ends, and every engine event its work causes (create, start, kill, die, stop, rename, destroy),
 * asks for a pass, and each such pass lists the engine afresh. During a cold converge of N containers that made the
 * passes run back to back: at 100 containers 50-120 passes in 45 s, each listing all of them, which took CPU from the
 * engine doing the real work on a small host. While steps are in flight, a pass therefore starts at least
 * {@link #BUSY_SPACING} after the one before; requests meanwhile coalesce into it. An idle loop is not paced: once
 * the last step has ended (its end asks for a pass), the next pass starts at once, so a crash on a quiet host is
 * reacted to as fast as before, and during a converge at most {@link #BUSY_SPACING} later, or up to
 * {@link #MOST_SPACING} while many steps are in flight (see {@link #STEPS_PER_SECOND}).
 *
 * <p>New desired state is never paced: when the source has a change no pass has read, the pass starts at once. A
 * folder filled file by file is often first read half-filled; holding the pass that reads the rest behind the
 * spacing made a cold converge of 50 containers 14.9 s instead of 12.7 s (bench, 2 cores).
 */
final class Pacing {

    /** The least time between the starts of two passes while steps are in flight. */
    static final Duration BUSY_SPACING = Duration.ofSeconds(1);

    /**
     * Steps in flight per second of spacing: with 32 or more the spacing grows by a second per 16, up to
     * {@link #MOST_SPACING}. A pass costs about the same whatever is in flight (it lists and plans every container),
     * so a cold converge of 100 still ran 30 passes at 1 s and doubled hostlet's CPU against running the plan inside
     * one pass (8.8 s to 15.7-18.1 s, most of it JIT compiling what those passes ran; measured with the commit that
     * moved steps beside the loop found by bisection). One or a few long steps (a pull) keep the 1 s.
     */
    static final int STEPS_PER_SECOND = 16;

    /** The most time between the starts of two passes, however many steps are in flight. */
    static final Duration MOST_SPACING = Duration.ofSeconds(3);

    private Pacing() {
    }

    /**
     * How long a requested pass still waits at {@code now} with {@code inFlight} steps running: zero when none is,
     * when there was no pass yet or when the source has a change no pass has read ({@code newInput}), else what is
     * left of the spacing (see {@link #spacing}) since {@code lastPassStarted}.
     */
    static Duration rest(int inFlight, boolean newInput, Instant lastPassStarted, Instant now) {
        if (inFlight <= 0 || newInput || lastPassStarted == null) {
            return Duration.ZERO;
        }
        Duration spacing = spacing(inFlight);
        Duration left = Duration.between(now, lastPassStarted.plus(spacing));
        // a clock that went back must not hold the loop for longer than one spacing
        return left.isNegative() ? Duration.ZERO : left.compareTo(spacing) > 0 ? spacing : left;
    }

    /** The least time between two pass starts with {@code inFlight} steps running (1 s; more for many steps). */
    static Duration spacing(int inFlight) {
        Duration grown = BUSY_SPACING.multipliedBy(Math.max(1, inFlight / STEPS_PER_SECOND));
        return grown.compareTo(MOST_SPACING) > 0 ? MOST_SPACING : grown;
    }
}
