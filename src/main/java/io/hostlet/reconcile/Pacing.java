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
 * the last step has ended (its end asks for a pass), the next pass starts at once, so a crash or a file change on a
 * quiet host is reacted to as fast as before, and during a converge at most {@link #BUSY_SPACING} later.
 */
final class Pacing {

    /** The least time between the starts of two passes while steps are in flight. */
    static final Duration BUSY_SPACING = Duration.ofSeconds(1);

    private Pacing() {
    }

    /**
     * How long a requested pass still waits at {@code now}: zero when no step is in flight or there was no pass yet,
     * else what is left of {@link #BUSY_SPACING} since {@code lastPassStarted}.
     */
    static Duration rest(boolean stepsInFlight, Instant lastPassStarted, Instant now) {
        if (!stepsInFlight || lastPassStarted == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, lastPassStarted.plus(BUSY_SPACING));
        // a clock that went back must not hold the loop for longer than one spacing
        return left.isNegative() ? Duration.ZERO : left.compareTo(BUSY_SPACING) > 0 ? BUSY_SPACING : left;
    }
}
