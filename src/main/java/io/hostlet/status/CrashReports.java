package io.hostlet.status;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.CrashLookup;
import io.hostlet.observed.LastRun;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.RestartPolicy;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explains crash loops in status: for each container in phase {@code CrashLoopBackOff} (and only those) it asks the
 * observer's {@link CrashLookup} how the last run ended and, when shown, the last lines of its output, and adds them
 * with the time of the next try. Bounded: at most {@link #MAX_PER_PASS} containers per pass, {@link #LOG_LINES}
 * lines; the lookup reuses details for {@link #REFRESH} while nothing changed.
 *
 * <p>Used by the reconcile thread only.
 */
public final class CrashReports {

    static final int LOG_LINES = CrashLookup.LOG_LINES;
    static final int MAX_PER_PASS = 16;
    static final Duration REFRESH = CrashLookup.REFRESH;
    /** A run shorter than this that ends with exit 0 under Always is a command that does not stay in the foreground. */
    static final Duration QUICK_EXIT = Duration.ofSeconds(5);

    // The engine's restart manager (moby restartmanager): 100 ms doubling to 1 min, reset by a run of 10 s or more.
    static final Duration ENGINE_FIRST_DELAY = Duration.ofMillis(100);
    static final Duration ENGINE_MAX_DELAY = Duration.ofMinutes(1);
    static final Duration ENGINE_RESET_AFTER = Duration.ofSeconds(10);

    private final CrashLookup lookup;

    public CrashReports(CrashLookup lookup) {
        this.lookup = lookup;
    }

    /** {@code status} with crash-loop details added to its CrashLoopBackOff entries. */
    public HostStatus enrich(HostStatus status, DesiredState desired, ObservedState observed, Plan plan, Instant now) {
        Map<String, ObservedContainer> byId = new HashMap<>();
        observed.containers().forEach(c -> byId.put(c.id(), c));
        Map<Target, Instant> backoffUntil = new HashMap<>();
        for (Step.Wait w : plan.waits()) {
            if (w.until() != null) {
                backoffUntil.put(w.target(), w.until());
            }
        }
        // Which entries to explain, in status order and at most MAX_PER_PASS: the lookup reads only these.
        Map<ObservedContainer, Integer> wanted = new LinkedHashMap<>();
        for (ContainerStatus cs : status.containers()) {
            ObservedContainer c = cs.containerId() == null ? null : byId.get(cs.containerId());
            if (cs.phase() == Phase.CrashLoopBackOff && c != null && wanted.size() < MAX_PER_PASS) {
                wanted.put(c, cs.restarts());
            }
        }
        Map<String, CrashLookup.Details> details = lookup.crashDetails(wanted, now);
        List<ContainerStatus> out = new ArrayList<>();
        boolean changed = false;
        for (ContainerStatus cs : status.containers()) {
            ObservedContainer c = cs.containerId() == null ? null : byId.get(cs.containerId());
            CrashLookup.Details f = c == null || !wanted.containsKey(c) || cs.phase() != Phase.CrashLoopBackOff
                    ? null : details.get(c.id());
            if (f == null) {
                out.add(cs);
                continue;
            }
            ContainerManifest m = desired.containers().get(cs.name());
            Instant next = backoffUntil.get(Target.container(cs.name()));
            if (next == null && c.state() == ObservedContainer.State.RESTARTING) {
                next = engineNextTry(f.run());
            }
            ContainerStatus.CrashLoop loop = new ContainerStatus.CrashLoop(cs.restarts() + f.run().restartCount(),
                    f.run().exitCode(), f.run().oomKilled(), f.run().finishedAt(), next, f.logTail());
            out.add(cs.withCrashLoop(loop, message(cs.message(), f.run(), m == null ? null : m.spec().restartPolicy())));
            changed = true;
        }
        if (!changed) {
            return status;
        }
        return status.withContainers(out);
    }

    /**
     * When the engine's restart policy will start it again: its delay is 100 ms doubled for every restart so far
     * (up to 1 min), or 100 ms again after a run of 10 s or more. An estimate: the engine does not say.
     */
    public static Instant engineNextTry(LastRun run) {
        if (run.finishedAt() == null) {
            return null;
        }
        boolean ranLong = run.startedAt() != null
                && Duration.between(run.startedAt(), run.finishedAt()).compareTo(ENGINE_RESET_AFTER) >= 0;
        Duration delay = ENGINE_FIRST_DELAY;
        for (int i = 0; !ranLong && i < run.restartCount() && delay.compareTo(ENGINE_MAX_DELAY) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return run.finishedAt().plus(delay.compareTo(ENGINE_MAX_DELAY) > 0 ? ENGINE_MAX_DELAY : delay);
    }

    /** The entry's message with why it exited and, for the classic mistake, a hint. */
    public static String message(String base, LastRun run, RestartPolicy policy) {
        StringBuilder b = new StringBuilder(base == null ? "keeps exiting" : base);
        if (run.oomKilled()) {
            b.append("; killed for running out of memory (raise spec.resources.memory)");
        } else if (run.exitCode() != null && !(base != null && base.contains("code " + run.exitCode()))) {
            b.append("; last exit code ").append(run.exitCode());
        }
        // Only a run that ended after it started: one started again since has FinishedAt from the run before.
        boolean quick = run.startedAt() != null && run.finishedAt() != null && !run.finishedAt().isBefore(run.startedAt())
                && Duration.between(run.startedAt(), run.finishedAt()).compareTo(QUICK_EXIT) < 0;
        if (policy == RestartPolicy.Always && Integer.valueOf(0).equals(run.exitCode()) && quick) {
            b.append("; it exits with code 0 right after starting: its command does not stay in the foreground"
                    + " (a server started with -d or as a daemon returns at once); run it in the foreground,"
                    + " or use restartPolicy OnFailure for a one-shot job");
        }
        return b.toString();
    }
}
