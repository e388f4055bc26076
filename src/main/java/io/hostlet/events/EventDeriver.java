package io.hostlet.events;

import io.hostlet.engine.EngineException;
import io.hostlet.execute.Outcome;
import io.hostlet.manifest.ManifestError;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.plan.Planner;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.reconcile.PassReport;
import io.hostlet.status.ContainerStatus;
import io.hostlet.status.Phase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns each pass's report, and how it differs from the ones before, into events. Pure apart from what it remembers
 * between passes (the previous report, and per container what was already told), so a table of report pairs tests it.
 *
 * <p>Two sources:
 * <ul>
 *   <li>the pass's step outcomes: created, recreated (with the changed fields the planner's cause names), started,
 *       restarted, removed, pulled (with digest), pull-failed, failed, pruned;</li>
 *   <li>the difference from the reports before: exited (a container seen running is now exited or restarting),
 *       restarted (the engine's restart count went up), crash-loop (once per episode), held, manifest-error and
 *       manifest-fixed (per file), engine-lost and engine-back.</li>
 * </ul>
 * The first report has nothing before it: conditions that need a person (engine down, crash loops, manifest errors)
 * are told, since a hostlet that just started has not told them yet; transitions (exits, restarts) are not.
 *
 * <p>Used by one thread at a time (the loop's).
 */
public final class EventDeriver {

    /**
     * A crash loop's episode ends when its container has been seen running for this long without looping again; a
     * later loop is then a new one. The engine's backoff resets after a 10 s run and never waits more than 1 min, so a
     * container that still loops shows it within this time.
     */
    static final Duration RECOVERED_AFTER = Duration.ofSeconds(60);

    /** The report before this one; null before the first. */
    private PassReport previous;
    /** The last report in which the engine answered (containers are compared with it); null before one. */
    private PassReport lastUp;
    /** Container id → the engine's restart count already told. */
    private final Map<String, Integer> engineRestarts = new HashMap<>();
    /** Container id in a told crash loop → since when it has been seen running (null: not running since). */
    private final Map<String, Instant> looping = new HashMap<>();
    /** Container name → the spec hash whose rollback was already told. */
    private final Map<String, String> rolledBack = new HashMap<>();

    /** The events {@code report} brings, in the order they are best read; remembers it for the next call. */
    public List<Event> next(PassReport report) {
        List<Event> out = new ArrayList<>();
        Instant at = report.at();
        engine(report, out);
        if (report.engineUp() && report.observed() != null) {
            exitsAndRestarts(report, out);
        }
        for (Outcome o : report.outcomes()) {
            outcome(at, o, report, out);
        }
        if (report.engineUp() && report.observed() != null) {
            crashLoops(report, out);
            rollbacks(report, out);
            held(report, out);
            lastUp = report;
        }
        manifests(report, out);
        previous = report;
        return out;
    }

    private void engine(PassReport r, List<Event> out) {
        boolean wasUp = previous == null || previous.engineUp();
        if (!r.engineUp() && wasUp) {
            out.add(Event.of(r.at(), EventKind.ENGINE_LOST, null, "engine unreachable: " + r.engineError(),
                    Map.of("error", r.engineError())));
        } else if (r.engineUp() && !wasUp) {
            out.add(Event.of(r.at(), EventKind.ENGINE_BACK, null, "engine answers again", Map.of()));
        }
    }

    /** Exits seen in the listing, and restarts the engine made (its restart count, known for looping containers). */
    private void exitsAndRestarts(PassReport r, List<Event> out) {
        Map<String, ObservedContainer> before = new HashMap<>();
        if (lastUp != null) {
            lastUp.observed().containers().forEach(c -> before.put(c.id(), c));
        }
        Map<String, ContainerStatus> statusById = new HashMap<>();
        r.status().containers().stream().filter(s -> s.containerId() != null)
                .forEach(s -> statusById.put(s.containerId(), s));
        Set<Target> busy = busyTargets(r);
        Set<String> seen = new HashSet<>();
        for (ObservedContainer c : r.observed().containers()) {
            seen.add(c.id());
            String name = c.managedName() == null ? c.name() : c.managedName();
            ContainerStatus cs = statusById.get(c.id());
            ContainerStatus.CrashLoop loop = cs == null ? null : cs.crashLoop();
            if (lastUp != null && stopped(c.state()) && !busy.contains(Target.container(name))) {
                ObservedContainer was = before.get(c.id());
                // new since the last look and already down, or seen up before: it exited in between
                if (was == null || !stopped(was.state())) {
                    Integer code = c.exitCode() != null ? c.exitCode() : loop == null ? null : loop.exitCode();
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("code", code);
                    d.put("image", c.image());
                    d.put("restarting", c.state() == ObservedContainer.State.RESTARTING);
                    out.add(Event.of(r.at(), EventKind.EXITED, name,
                            "exited with code " + (code == null ? "unknown" : code)
                                    + (c.state() == ObservedContainer.State.RESTARTING
                                    ? "; the engine's restart policy restarts it" : ""), d));
                }
            }
            if (loop != null) {
                int byEngine = Math.max(0, loop.restarts() - cs.restarts());
                Integer told = engineRestarts.get(c.id());
                // a container met at start has a history nobody saw: its count is the baseline, not news
                int baseline = told != null ? told : lastUp == null ? byEngine : 0;
                if (byEngine > baseline) {
                    // the listing's exit code first: an inspect just after a restart may already show the new run's
                    Integer code = c.exitCode() != null ? c.exitCode() : loop.exitCode();
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("restarts", loop.restarts());
                    d.put("by", "engine");
                    d.put("code", code);
                    out.add(Event.of(r.at(), EventKind.RESTARTED, name, "restarted by the engine's restart policy"
                            + " (" + loop.restarts() + " restarts" + (code == null ? "" : ", last exit code " + code)
                            + ")", d));
                }
                engineRestarts.put(c.id(), Math.max(baseline, byEngine));
            }
        }
        engineRestarts.keySet().retainAll(seen);
    }

    /** Containers a step of an earlier pass is still working on: a replacement stops the old one on purpose. */
    private static Set<Target> busyTargets(PassReport r) {
        Set<Target> busy = new HashSet<>();
        if (r.plan() != null) {
            r.plan().steps().stream().filter(Planner::inProgress).forEach(s -> busy.add(s.target()));
        }
        return busy;
    }

    private static boolean stopped(ObservedContainer.State s) {
        return s == ObservedContainer.State.EXITED || s == ObservedContainer.State.DEAD
                || s == ObservedContainer.State.RESTARTING;
    }

    private void outcome(Instant at, Outcome o, PassReport r, List<Event> out) {
        Step step = o.step();
        String name = step.target().name();
        for (Outcome.Pull p : o.pulls()) {
            if (p.afterId() != null) {
                String digest = step.registryDigest() != null ? step.registryDigest() : p.afterId();
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("image", p.image());
                d.put("digest", digest);
                d.put("imageId", p.afterId());
                d.put("previousImageId", p.beforeId());
                out.add(Event.of(at, EventKind.PULLED, p.image(), "pulled " + p.image() + " (" + shortDigest(digest)
                        + (p.beforeId() == null ? ", new" : p.afterId().equals(p.beforeId()) ? ", unchanged"
                        : ", replaces " + shortDigest(p.beforeId())) + ")", d));
            }
        }
        if (!o.ok()) {
            failure(at, o, out);
            return;
        }
        step.accept(new Told(at, name, r, out));
    }

    /** The events of one successful step, by kind. */
    private final class Told implements Step.Visitor<Void> {
        private final Instant at;
        private final String name;
        private final PassReport r;
        private final List<Event> out;

        Told(Instant at, String name, PassReport r, List<Event> out) {
            this.at = at;
            this.name = name;
            this.r = r;
            this.out = out;
        }

        @Override
        public Void visitCreateContainer(Step.CreateContainer c) {
            String image = c.manifest().spec().image();
            out.add(Event.of(at, EventKind.CREATED, name, "created (image " + image + ")",
                    details("image", image, "target", c.target().toString())));
            started(at, name, image, out);
            return null;
        }

        @Override
        public Void visitRecreateContainer(Step.RecreateContainer c) {
            String image = c.manifest().spec().image();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("image", image);
            if (!c.changed().isEmpty()) {
                d.put("fields", c.changed()); // the planner names them (env by variable name, never by value)
            }
            d.put("cause", c.cause());
            d.put("previousId", c.oldId());
            out.add(Event.of(at, EventKind.RECREATED, name, "recreated: " + c.cause(), d));
            started(at, name, image, out);
            return null;
        }

        @Override
        public Void visitResumeReplacement(Step.ResumeReplacement s) {
            out.add(Event.of(at, EventKind.RECREATED, name, "recreated: finished an interrupted replacement",
                    details("image", s.image(), "cause", s.cause(), "previousId", s.oldId())));
            started(at, name, s.image(), out);
            return null;
        }

        @Override
        public Void visitStartBeside(Step.StartBeside s) {
            out.add(Event.of(at, EventKind.STARTED, name, "started " + s.replacementName() + " beside the old container"
                    + " (StartFirst): " + s.cause(), details("image", s.manifest().spec().image(), "cause", s.cause())));
            return null;
        }

        @Override
        public Void visitAdoptReplacement(Step.AdoptReplacement s) {
            out.add(Event.of(at, EventKind.RECREATED, name, "recreated: adopted the replacement "
                    + s.replacementName(), details("cause", s.cause())));
            if (s.start()) {
                started(at, name, null, out);
            }
            return null;
        }

        @Override
        public Void visitStartContainer(Step.StartContainer s) {
            started(at, name, null, out);
            if (s.restart()) {
                restartedByHostlet(at, name, s.cause(), r, out);
            }
            return null;
        }

        @Override
        public Void visitRestartContainer(Step.RestartContainer s) {
            restartedByHostlet(at, name, s.cause(), r, out);
            return null;
        }

        @Override
        public Void visitRemoveContainer(Step.RemoveContainer s) {
            out.add(Event.of(at, EventKind.REMOVED, name, "removed: " + s.cause(),
                    details("target", s.target().toString(), "cause", s.cause())));
            return null;
        }

        @Override
        public Void visitCreateNetwork(Step.CreateNetwork s) {
            out.add(Event.of(at, EventKind.CREATED, name, "network created",
                    details("target", s.target().toString())));
            return null;
        }

        @Override
        public Void visitRemoveNetwork(Step.RemoveNetwork s) {
            out.add(Event.of(at, EventKind.REMOVED, name, "network removed: " + s.cause(),
                    details("target", s.target().toString(), "cause", s.cause())));
            return null;
        }

        @Override
        public Void visitRemoveImage(Step.RemoveImage s) {
            out.add(Event.of(at, EventKind.PRUNED, name, "image removed: " + s.cause(),
                    details("image", s.image(), "imageId", s.imageId(), "cause", s.cause())));
            return null;
        }

        @Override
        public Void visitPullImage(Step.PullImage s) {
            return null; // told by its pull in outcome()
        }

        @Override
        public Void visitFinishUpdate(Step.FinishUpdate s) {
            if (!s.newName().equals(s.name())) {
                // StartFirst: the swap happens now (StopFirst's was told as recreated when it happened)
                out.add(Event.of(at, EventKind.RECREATED, name, "recreated: " + s.cause(),
                        details("cause", s.cause(), "previousId", s.oldId())));
            }
            return null;
        }

        @Override
        public Void visitRollBack(Step.RollBack s) {
            return null; // no event
        }

        @Override
        public Void visitRolledBack(Step.RolledBack s) {
            return null; // a note, not an action
        }

        @Override
        public Void visitStopContainer(Step.StopContainer s) {
            return null; // no event
        }

        @Override
        public Void visitHoldRemoval(Step.HoldRemoval s) {
            return null; // a note, not an action (holds: see held)
        }

        @Override
        public Void visitWait(Step.Wait s) {
            return null; // a note, not an action
        }
    }

    private static void started(Instant at, String name, String image, List<Event> out) {
        out.add(Event.of(at, EventKind.STARTED, name, "started", image == null ? Map.of() : details("image", image)));
    }

    private static void restartedByHostlet(Instant at, String name, String cause, PassReport r, List<Event> out) {
        Integer restarts = r.status().containers().stream().filter(c -> c.name().equals(name)).findFirst()
                .map(ContainerStatus::restarts).orElse(null);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("by", "hostlet");
        d.put("restarts", restarts);
        d.put("cause", cause);
        out.add(Event.of(at, EventKind.RESTARTED, name, "restarted by hostlet: " + cause, d));
    }

    private static void failure(Instant at, Outcome o, List<Event> out) {
        Step step = o.step();
        EngineException e = o.error();
        String image = step.neededImage();
        boolean pull = e.kind() == EngineException.Kind.PULL_FAILED || e.kind() == EngineException.Kind.IMAGE_MISSING;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("action", step.action());
        d.put("target", step.target().toString());
        if (image != null) {
            d.put("image", image);
        }
        d.put("error", e.kind().name());
        out.add(Event.of(at, pull ? EventKind.PULL_FAILED : EventKind.FAILED, step.target().name(),
                (pull ? "could not get image " + image : step.action() + " failed") + ": " + e.getMessage(), d));
    }

    /** One crash-loop event per episode: when a container (by id) enters CrashLoopBackOff, not at every flicker. */
    private void crashLoops(PassReport r, List<Event> out) {
        Set<String> ids = new HashSet<>();
        for (ContainerStatus cs : r.status().containers()) {
            String id = cs.containerId();
            if (id == null) {
                continue;
            }
            ids.add(id);
            if (cs.phase() == Phase.CrashLoopBackOff) {
                if (!looping.containsKey(id)) {
                    ContainerStatus.CrashLoop loop = cs.crashLoop();
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("image", cs.image());
                    d.put("restarts", loop == null ? cs.restarts() : loop.restarts());
                    d.put("code", loop == null ? null : loop.exitCode());
                    d.put("oomKilled", loop != null && loop.oomKilled());
                    out.add(Event.of(r.at(), EventKind.CRASH_LOOP, cs.name(),
                            "crash-looping: " + (cs.message() == null ? "keeps exiting" : cs.message()), d));
                }
                looping.put(id, null);
            } else if (looping.containsKey(id) && cs.phase() == Phase.Running) {
                Instant since = looping.get(id);
                if (since == null) {
                    looping.put(id, r.at());
                } else if (!r.at().isBefore(since.plus(RECOVERED_AFTER))) {
                    looping.remove(id); // ran long enough: a later loop is a new episode
                }
            }
        }
        looping.keySet().retainAll(ids);
    }

    /**
     * One rolled-back event per refused spec: when a container enters RolledBack for a spec hash not told before
     * (after a restart of hostlet, a rollback still in force is told again: it needs a person).
     */
    private void rollbacks(PassReport r, List<Event> out) {
        Set<String> names = new HashSet<>();
        for (ContainerStatus cs : r.status().containers()) {
            ContainerStatus.RolledBack rb = cs.rolledBack();
            if (cs.phase() != Phase.RolledBack || rb == null) {
                continue;
            }
            names.add(cs.name());
            if (!rb.failedSpecHash().equals(rolledBack.put(cs.name(), rb.failedSpecHash()))) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("failedSpecHash", rb.failedSpecHash());
                d.put("reason", rb.reason());
                d.put("refusedRevision", rb.refusedRevision());
                d.put("revision", cs.revision());
                out.add(Event.of(r.at(), EventKind.ROLLED_BACK, cs.name(), "rolled back: " + rb.reason(), d));
            }
        }
        rolledBack.keySet().retainAll(names);
    }

    /** The prune guard's holds, told when the set of held targets (or why) changes. */
    private void held(PassReport r, List<Event> out) {
        Map<String, String> now = holds(r);
        Map<String, String> before = lastUp == null ? Map.of() : holds(lastUp);
        if (now.isEmpty() || now.equals(before)) {
            return;
        }
        String cause = now.values().iterator().next();
        List<String> targets = List.copyOf(now.keySet());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("targets", targets);
        d.put("cause", cause);
        String name = targets.size() == 1 && targets.get(0).startsWith("container:")
                ? targets.get(0).substring("container:".length()) : null;
        out.add(Event.of(r.at(), EventKind.HELD, name, "held removal of " + targets.size() + " ("
                + String.join(", ", targets.size() > 5 ? targets.subList(0, 5) : targets)
                + (targets.size() > 5 ? ", ..." : "") + "): " + cause, d));
    }

    private static Map<String, String> holds(PassReport r) {
        Map<String, String> out = new TreeMap<>();
        if (r.plan() != null) {
            r.plan().holds().forEach(s -> out.put(s.target().toString(), s.cause()));
        }
        return out;
    }

    /** Per file: new or changed errors, and files whose errors are gone. */
    private void manifests(PassReport r, List<Event> out) {
        Map<String, List<String>> now = errorsByFile(r);
        Map<String, List<String>> before = previous == null ? Map.of() : errorsByFile(previous);
        for (Map.Entry<String, List<String>> e : now.entrySet()) {
            if (e.getValue().equals(before.get(e.getKey()))) {
                continue;
            }
            List<String> names = namesFrom(r, e.getKey());
            List<String> errors = e.getValue();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("file", e.getKey());
            d.put("errors", errors);
            d.put("containers", names);
            out.add(Event.of(r.at(), EventKind.MANIFEST_ERROR, names.size() == 1 ? names.get(0) : null,
                    errors.get(0) + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""), d));
        }
        for (String file : before.keySet()) {
            if (!now.containsKey(file)) {
                List<String> names = namesFrom(r, file);
                out.add(Event.of(r.at(), EventKind.MANIFEST_FIXED, names.size() == 1 ? names.get(0) : null,
                        file + " has no errors any more", details("file", file, "containers", names)));
            }
        }
    }

    private static Map<String, List<String>> errorsByFile(PassReport r) {
        Map<String, List<String>> out = new TreeMap<>();
        for (ManifestError e : r.desired().errors()) {
            out.computeIfAbsent(e.file(), f -> new ArrayList<>()).add(e.toString());
        }
        return out;
    }

    /** The containers a file defines (its last good version's), sorted. */
    private static List<String> namesFrom(PassReport r, String file) {
        TreeSet<String> names = new TreeSet<>();
        r.desired().containers().values().stream().filter(m -> m.source() != null && file.equals(m.source().file()))
                .forEach(m -> names.add(m.name()));
        return List.copyOf(names);
    }

    private static Map<String, Object> details(Object... kv) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        return d;
    }

    private static String shortDigest(String d) {
        if (d == null) {
            return "unknown";
        }
        int colon = d.indexOf(':');
        String hex = colon < 0 ? d : d.substring(colon + 1);
        return (colon < 0 ? "" : d.substring(0, colon + 1)) + (hex.length() > 12 ? hex.substring(0, 12) : hex);
    }
}
