package io.hostlet.recorder;

import io.hostlet.engine.EngineException;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Backoff;
import io.hostlet.plan.Target;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Per-target memory of failures and restarts, turned into {@link Backoff}s for the planner: 10 s doubling
 * to 5 min, so a crash-looping container or a failing pull cannot burn the host. A restart that follows
 * a crash is immediate the first time; a container that has run for 10 minutes is forgiven.
 *
 * <p>Used by the reconcile thread only.
 */
public final class BackoffBook {

    static final Duration FIRST_DELAY = Duration.ofSeconds(10);
    static final Duration MAX_DELAY = Duration.ofMinutes(5);
    static final Duration FORGIVE_AFTER = Duration.ofMinutes(10);

    /** Why a target is backing off: decides the phase status shows. */
    public enum Cause { RESTART, IMAGE, CONFLICT, FAILURE }

    public record Entry(String hash, int attempts, Instant notBefore, Cause cause, String message) {}

    private final Map<Target, Entry> entries = new HashMap<>();
    private final Map<Target, Integer> restarts = new HashMap<>();
    private final Map<Target, Instant> runningSince = new HashMap<>();

    /** The planner's view. */
    public Map<Target, Backoff> view() {
        Map<Target, Backoff> v = new HashMap<>();
        entries.forEach((target, e) -> v.put(target, new Backoff(e.hash(), e.notBefore(), reason(e))));
        return v;
    }

    private static String reason(Entry e) {
        return e.cause() == Cause.RESTART
                ? "back-off " + delay(e.attempts()).toSeconds() + "s restarting exited container"
                : e.message();
    }

    public Entry entry(Target target) {
        return entries.get(target);
    }

    public int restarts(Target target) {
        return restarts.getOrDefault(target, 0);
    }

    /** Forgets crash history of containers that have now run long enough, and of those no longer around. */
    public void observe(ObservedState observed, Instant now) {
        Set<Target> running = new HashSet<>();
        for (ObservedContainer c : observed.containers()) {
            // Running while its health check fails is no recovery: it must not earn forgiveness.
            if (c.state() == ObservedContainer.State.RUNNING && c.health() != ObservedContainer.Health.UNHEALTHY
                    && c.managedName() != null) {
                running.add(Target.container(c.managedName()));
            }
        }
        runningSince.keySet().retainAll(running);
        for (Target target : running) {
            Instant since = runningSince.computeIfAbsent(target, t -> now);
            Entry e = entries.get(target);
            if (e != null && e.cause() == Cause.RESTART && !since.plus(FORGIVE_AFTER).isAfter(now)) {
                entries.remove(target);
            }
        }
    }

    /** A restart of an exited container happened: the next one must wait longer. */
    public void restarted(Target target, String hash, Instant now) {
        restarts.merge(target, 1, Integer::sum);
        runningSince.remove(target); // a stop and start may happen between two observations
        Entry prev = entries.get(target);
        int attempts = prev == null || !prev.hash().equals(hash) ? 1 : prev.attempts() + 1;
        entries.put(target, new Entry(hash, attempts, now.plus(delay(attempts)), Cause.RESTART, null));
    }

    /** A step on {@code target} succeeded: failure history goes; restart history stays until forgiven. */
    public void succeeded(Target target, String hash, boolean newContainer) {
        Entry e = entries.get(target);
        if (newContainer) {
            restarts.remove(target);
        }
        if (e != null && (e.cause() != Cause.RESTART || !e.hash().equals(hash))) {
            entries.remove(target);
        }
    }

    /** A step on {@code target} failed: back off, longer each time while the spec stays the same. */
    public void failed(Target target, String hash, EngineException.Kind kind, String message, Instant now) {
        Entry prev = entries.get(target);
        int attempts = prev == null || !prev.hash().equals(hash) ? 1 : prev.attempts() + 1;
        Cause cause = switch (kind) {
            case IMAGE_MISSING, PULL_FAILED -> Cause.IMAGE;
            case CONFLICT -> Cause.CONFLICT;
            default -> Cause.FAILURE;
        };
        entries.put(target, new Entry(hash, attempts, now.plus(delay(attempts)), cause, message));
    }

    /** Drops everything about targets not in {@code live}, so the book cannot grow without bound. */
    public void retain(Set<Target> live) {
        entries.keySet().retainAll(live);
        restarts.keySet().retainAll(live);
    }

    public static Duration delay(int attempts) {
        int shift = Math.min(Math.max(attempts - 1, 0), 10);
        Duration d = FIRST_DELAY.multipliedBy(1L << shift);
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }
}
