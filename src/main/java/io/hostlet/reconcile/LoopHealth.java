package io.hostlet.reconcile;

import java.time.Duration;
import java.time.Instant;

/**
 * What liveness judges the loop by, read at one moment, and the judgement itself (pure, so it is table-tested).
 *
 * @param threadAlive  whether the loop thread still runs (or was never started, or is stopping on purpose)
 * @param loopStarted  when the loop started; null before (e.g. while another hostlet holds the instance lock)
 * @param inPass       whether a pass is running now
 * @param passStarted  when the last (or current) pass started; null before the first
 * @param passEnded    when the last pass ended; null before the first
 */
public record LoopHealth(boolean threadAlive, Instant loopStarted, boolean inPass, Instant passStarted, Instant passEnded) {

    /** Slack on top of the resync interval for an idle loop: it wakes at least once per interval. */
    static final Duration IDLE_SLACK = Duration.ofMinutes(1);

    /**
     * Why the loop is stuck at {@code now}, or null when it is not: its thread has ended; or a pass has run longer
     * than {@code longestPass}; or, between passes, none has ended for longer than {@code resync} plus a minute.
     */
    static String stuck(LoopHealth h, Duration resync, Duration longestPass, Instant now) {
        if (!h.threadAlive()) {
            return "the reconcile thread has ended";
        }
        if (h.loopStarted() == null) {
            return null; // not started yet: nothing can be stuck
        }
        if (h.inPass() && h.passStarted() != null) {
            Duration running = Duration.between(h.passStarted(), now);
            return running.compareTo(longestPass) > 0
                    ? "a pass has been running for " + running.toSeconds() + "s (the longest legitimate one takes "
                    + longestPass.toSeconds() + "s)" : null;
        }
        Instant since = h.passEnded() == null ? h.loopStarted() : h.passEnded();
        Duration idle = Duration.between(since, now);
        return idle.compareTo(resync.plus(IDLE_SLACK)) > 0
                ? "no pass has ended for " + idle.toSeconds() + "s (resync interval " + resync.toSeconds() + "s)"
                : null;
    }
}
