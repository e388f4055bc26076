package io.hostlet.status;

import io.hostlet.recorder.BackoffBook;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.SourceInfo;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Planner;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.observed.CrashLookup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Builds the status a pass publishes, once per pass, after its steps ran: from the pass's inputs, its plan and the
 * backoff book, with crash loops explained (see {@link CrashReports}); or, when the engine did not answer, from
 * the status before with what is known without it.
 *
 * <p>Used by the reconcile thread only.
 */
public final class StatusBuilder {

    private final CrashReports crashReports;

    /** {@code crashes}: where crash reports get their details (the observer's engine reads, see {@link CrashReports}). */
    public StatusBuilder(CrashLookup crashes) {
        this.crashReports = new CrashReports(crashes);
    }

    /**
     * The status of a pass that reached the engine and planned at {@code now}; {@code stats} tells what the pass
     * cost, asked last so that it counts the calls crash reports make too. {@code engineRestarts} is the engine's
     * restart count by container id (see {@code RestartCounts}), added to hostlet's own restarts; {@code observe}:
     * hostlet only plans ({@code hostlet.mode=observe}), so the plan's actions are what it would do.
     */
    public HostStatus afterPass(DesiredState desired, SourceInfo source, ObservedState observed, Plan plan,
                                BackoffBook book, Instant now, Map<String, Integer> engineRestarts, boolean observe,
                                Supplier<PassStats> stats) {
        HostStatus s = crashReports.enrich(build(desired, source, observed, plan, book, now, null), desired, observed,
                plan, now);
        s = withEngineRestarts(s, engineRestarts);
        if (observe) {
            s = observing(s, plan);
        }
        return s.withLastPass(stats.get());
    }

    /** The same as {@link #afterPass(DesiredState, SourceInfo, ObservedState, Plan, BackoffBook, Instant, Map, boolean, Supplier)} acting, without engine restart counts. */
    public HostStatus afterPass(DesiredState desired, SourceInfo source, ObservedState observed, Plan plan,
                                BackoffBook book, Instant now, Supplier<PassStats> stats) {
        return afterPass(desired, source, observed, plan, book, now, Map.of(), false, stats);
    }

    /**
     * Top-level {@code restarts} as kubectl counts them: hostlet's plus the engine's own. A crash-looping entry already
     * has both, freshly inspected, in its crash report.
     */
    static HostStatus withEngineRestarts(HostStatus s, Map<String, Integer> engineRestarts) {
        List<ContainerStatus> out = new ArrayList<>();
        for (ContainerStatus c : s.containers()) {
            if (c.crashLoop() != null) {
                out.add(c.withRestarts(Math.max(c.restarts(), c.crashLoop().restarts())));
            } else {
                Integer engine = c.containerId() == null ? null : engineRestarts.get(c.containerId());
                out.add(engine == null || engine == 0 ? c : c.withRestarts(c.restarts() + engine));
            }
        }
        return s.withContainers(out);
    }

    /**
     * A status in observe mode: the plan's actions are only shown, so a plan with actions is not converged, and each
     * container's message says what would be done to it.
     */
    static HostStatus observing(HostStatus s, Plan plan) {
        s = s.withMode(HostStatus.OBSERVE);
        if (!plan.hasActions()) {
            return s;
        }
        Map<String, Step> actions = new HashMap<>();
        for (Step step : plan.actions()) {
            if (step.target().kind() == Target.Kind.container) {
                actions.put(step.target().name(), step);
            }
        }
        List<ContainerStatus> out = new ArrayList<>();
        for (ContainerStatus c : s.containers()) {
            Step step = actions.get(c.name());
            out.add(step == null ? c : c.withMessage("observe mode: would " + step.action() + " (" + step.cause() + ")"));
        }
        return s.withContainers(out).notConverged("observe mode: " + plan.actions().size() + " step(s) would run");
    }

    /**
     * The status of a pass in which the engine did not answer ({@code problem} says how): not converged, the
     * containers and images as the last pass that reached the engine saw them, the desired state as read now.
     */
    public HostStatus engineDown(HostStatus previous, DesiredState desired, SourceInfo source, String problem,
                                 PassStats stats) {
        return new HostStatus(false, previous.lastReconcile(), false, desired.complete(),
                "engine unreachable: " + problem, previous.containers(), desired.errors(), source, stats,
                previous.images(), previous.mode());
    }

    /** The status derived purely from one pass's inputs and plan (no crash details). */
    static HostStatus build(DesiredState desired, SourceInfo source, ObservedState observed, Plan plan, BackoffBook book,
                            Instant now, PassStats stats) {
        Map<String, ObservedContainer> byName = new HashMap<>();
        for (ObservedContainer c : observed.containers()) {
            String name = c.managedName() == null ? c.name() : c.managedName();
            ObservedContainer prev = byName.get(name);
            if (prev == null || c.state() == ObservedContainer.State.RUNNING) {
                byName.put(name, c);
            }
        }
        Map<Target, Step> steps = new HashMap<>();
        Map<Target, Step.RolledBack> rolledBack = new HashMap<>();
        for (Step s : plan.steps()) {
            steps.merge(s.target(), s, (a, b) -> b); // a container's last step is the one that tells its fate
        }
        plan.rolledBack().forEach(r -> rolledBack.put(r.target(), r));
        TreeSet<String> names = new TreeSet<>(desired.containers().keySet());
        names.addAll(desired.heldNames());
        names.addAll(byName.keySet());

        List<ContainerStatus> out = new ArrayList<>();
        for (String name : names) {
            Target target = Target.container(name);
            ContainerManifest m = desired.containers().get(name);
            ObservedContainer c = byName.get(name);
            Step step = steps.get(target);
            Seen seen = Seen.of(step);
            int restarts = book.restarts(target);
            String image = m != null ? m.spec().image() : c != null ? c.image() : null;
            String file = m != null ? m.source().file() : c != null ? c.source() : null;
            String id = c == null ? null : c.id();
            Phase phase;
            String message = null;
            Step.RolledBack refused = rolledBack.get(target);
            ContainerStatus.RolledBack rollback = null;
            if (refused != null && !Planner.inProgress(step)) {
                // The previous spec runs (looked after as usual); the manifest's spec waits for a change or a retry.
                phase = Phase.RolledBack;
                rollback = new ContainerStatus.RolledBack(refused.failedHash(), refused.reason(), refused.at(),
                        refused.revision());
                message = "rolled back: " + refused.reason() + "; spec " + shortHash(refused.failedHash())
                        + (refused.revision() == null ? "" : " (revision " + refused.revision() + ")")
                        + " is not tried again until the manifest changes or a retry is asked for (hostlet retry "
                        + name + ")" + (step == refused ? "" : "; " + step.action() + ": " + step.cause());
            } else if (seen.waits(Step.Wait.Reason.UPDATE_GATE)) {
                phase = WaitPhase.of(seen.reason(), c == null ? null : phaseOf(c), m != null, null);
                message = step.cause();
            } else if (desired.heldNames().contains(name)) {
                phase = Phase.Conflict;
                message = "defined by more than one manifest; left as it is until that is fixed";
            } else if (m != null && m.spec().suspend() && (step == null || seen.is(Situation.STOP))) {
                phase = Phase.Suspended;
                message = step == null ? "suspended (spec.suspend)" : "suspended (spec.suspend); stopping";
            } else if (seen.is(Situation.HOLD)) {
                phase = c == null ? Phase.Pending : phaseOf(c);
                message = "not removed: " + step.cause();
            } else if (seen.is(Situation.WAIT)) {
                BackoffBook.Entry e = book.entry(target);
                if (e == null && image != null) {
                    e = book.entry(Target.image(image)); // waiting for its image's pull backoff
                }
                phase = WaitPhase.of(seen.reason(), c == null ? null : phaseOf(c), m != null,
                        e == null ? null : e.cause());
                message = !seen.reason().backsOff() ? step.cause() // waiting for other containers or steps
                        : (c != null && c.health() == ObservedContainer.Health.UNHEALTHY ? "unhealthy; " : "")
                        + step.cause() + "; next try at " + seen.until();
            } else if (seen.is(Situation.REMOVE) && m == null) {
                phase = Phase.Removing;
                message = step.cause();
            } else if (step != null) {
                phase = Phase.Pending;
                message = step.cause();
            } else if (m == null) {
                phase = c == null ? Phase.Pending : phaseOf(c);
                message = desired.complete()
                        ? "manifest file " + c.source() + " has errors; left as it is"
                        : "manifests folder unreadable; left as it is";
            } else if (c == null) {
                phase = Phase.Pending;
            } else {
                phase = phaseOf(c);
                if (c.state() == ObservedContainer.State.PAUSED) {
                    message = "paused";
                } else if (c.state() == ObservedContainer.State.RESTARTING) {
                    message = "exited; the engine's restart policy is restarting it";
                } else if (phase == Phase.Failed) {
                    message = "exited with code " + c.exitCode();
                } else if (c.health() == ObservedContainer.Health.UNHEALTHY) {
                    message = "unhealthy: its health check fails"
                            + (m.spec().restartOnUnhealthy() ? "" : " (restartOnUnhealthy is off)");
                }
            }
            if (message == null && m != null && desired.heldFiles().contains(m.source().file())) {
                message = "manifest file " + m.source().file() + " is held (see manifestErrors): its last good version"
                        + " stays in force";
            }
            String revision = c == null ? null : c.labels().get(Labels.REVISION);
            String health = c == null || c.state() != ObservedContainer.State.RUNNING ? null : c.health().display();
            out.add(new ContainerStatus(name, phase, image, id, restarts, file, revision, message, health, null,
                    c == null || Instant.EPOCH.equals(c.created()) ? null : c.created(), rollback));
        }
        out.sort(Comparator.comparing(ContainerStatus::name));
        List<ImageStatus> images = images(desired, observed, steps);

        // A container that exited under Never is where its manifest wants it; crash loops and conflicts are not.
        long stuck = out.stream().filter(c -> c.phase().failing() && c.phase() != Phase.Failed).count();
        // A desired image that is not on the host is not converged, whatever the reason (Never included).
        List<String> imagesMissing = images.stream().filter(i -> i.phase() != ImageStatus.Phase.Present)
                .map(i -> i.name() + " (" + i.phase() + ")").toList();
        boolean converged = desired.complete() && plan.steps().isEmpty() && stuck == 0 && imagesMissing.isEmpty();
        String reason = null;
        String held = plan.holds().stream().map(Step::cause).findFirst().orElse(null);
        if (!desired.complete()) {
            reason = desired.problem();
        } else if (held != null) {
            reason = held; // before "steps in progress": the one thing an operator must act on
        } else if (plan.hasActions()) {
            reason = plan.actions().size() + " step(s) in progress";
        } else if (plan.steps().stream().anyMatch(Planner::inProgress)) {
            reason = plan.steps().stream().filter(Planner::inProgress).count() + " step(s) in progress";
        } else if (!rolledBack.isEmpty()) {
            reason = rolledBack.size() + " container(s) rolled back: " + String.join(", ", rolledBack.keySet().stream()
                    .map(Target::name).sorted().toList()) + " (the manifest's spec failed its update gate)";
        } else if (!plan.steps().isEmpty()) {
            long ordered = plan.waits().stream().filter(w -> w.until() == null).count();
            reason = ordered == plan.steps().size()
                    ? ordered + " container(s) waiting for others (dependsOn)"
                    : plan.steps().size() + " container(s), image(s) or network(s) backing off or waiting";
        } else if (stuck > 0) {
            reason = stuck + " container(s) crash-looping or in conflict";
        } else if (!imagesMissing.isEmpty()) {
            reason = imagesMissing.size() + " image(s) not present: " + String.join(", ", imagesMissing);
        }
        return new HostStatus(converged, now, true, desired.complete(), reason, out, desired.errors(), source, stats,
                images);
    }

    /** Each desired Image (and each name two Image manifests claim), from the local images and the plan's steps. */
    private static List<ImageStatus> images(DesiredState desired, ObservedState observed, Map<Target, Step> steps) {
        TreeSet<String> names = new TreeSet<>(desired.images().keySet());
        names.addAll(desired.heldImages());
        List<ImageStatus> out = new ArrayList<>();
        for (String name : names) {
            ImageManifest m = desired.images().get(name);
            if (m == null) {
                out.add(new ImageStatus(name, null, ImageStatus.Phase.Conflict, null, null,
                        "defined by more than one Image manifest; none is applied until that is fixed"));
                continue;
            }
            String id = observed.localImages() == null ? null : observed.localImages().idOf(m.image());
            Step step = steps.get(Target.image(m.image()));
            Seen seen = Seen.of(step);
            ImageStatus.Phase phase;
            String message = null;
            if (seen.is(Situation.PULL)) {
                phase = ImageStatus.Phase.Pulling;
                message = step.cause();
            } else if (Planner.inProgress(step) && step.target().equals(Target.image(m.image()))) {
                phase = ImageStatus.Phase.Pulling; // its pull, started by an earlier pass, still runs
                message = step.cause();
            } else if (seen.is(Situation.WAIT) && seen.until() != null) {
                phase = ImageStatus.Phase.ImagePullBackOff;
                message = step.cause() + "; next try at " + seen.until();
            } else if (id != null) {
                phase = ImageStatus.Phase.Present;
            } else if (observed.localImages() == null) {
                phase = ImageStatus.Phase.Pending;
            } else if (m.imagePullPolicy() == PullPolicy.Never) {
                phase = ImageStatus.Phase.ErrImageNeverPull;
                message = "image " + m.image() + " is not present and imagePullPolicy is Never: hostlet does not pull"
                        + " it (load or pull it by hand, or change the policy)";
            } else {
                phase = ImageStatus.Phase.Pending;
                message = "not present";
            }
            out.add(new ImageStatus(name, m.image(), phase, id, m.source().file(), message));
        }
        return out;
    }

    /** What a target's last step says about it, as far as its phase and message go. */
    enum Situation { NONE, ACTION, PULL, STOP, REMOVE, HOLD, ROLLED_BACK, WAIT }

    /**
     * A target's {@link Situation}, with the reason and time of a {@link Step.Wait} (null for other steps; the time is
     * null for open waits too).
     */
    record Seen(Situation situation, Step.Wait.Reason reason, Instant until) {
        static final Seen NONE = new Seen(Situation.NONE, null, null);

        /** What {@code step} (null: the target has none) says. */
        static Seen of(Step step) {
            return step == null ? NONE : step.accept(SITUATION);
        }

        boolean is(Situation s) {
            return situation == s;
        }

        boolean waits(Step.Wait.Reason r) {
            return reason == r;
        }
    }

    private static final Step.Visitor<Seen> SITUATION = new Step.Visitor<>() {
        private final Seen action = new Seen(Situation.ACTION, null, null);

        @Override
        public Seen visitCreateNetwork(Step.CreateNetwork s) {
            return action;
        }

        @Override
        public Seen visitRemoveNetwork(Step.RemoveNetwork s) {
            return action;
        }

        @Override
        public Seen visitPullImage(Step.PullImage s) {
            return new Seen(Situation.PULL, null, null);
        }

        @Override
        public Seen visitRemoveImage(Step.RemoveImage s) {
            return action;
        }

        @Override
        public Seen visitCreateContainer(Step.CreateContainer s) {
            return action;
        }

        @Override
        public Seen visitRecreateContainer(Step.RecreateContainer s) {
            return action;
        }

        @Override
        public Seen visitStartBeside(Step.StartBeside s) {
            return action;
        }

        @Override
        public Seen visitFinishUpdate(Step.FinishUpdate s) {
            return action;
        }

        @Override
        public Seen visitRollBack(Step.RollBack s) {
            return action;
        }

        @Override
        public Seen visitRolledBack(Step.RolledBack s) {
            return new Seen(Situation.ROLLED_BACK, null, null);
        }

        @Override
        public Seen visitResumeReplacement(Step.ResumeReplacement s) {
            return action;
        }

        @Override
        public Seen visitAdoptReplacement(Step.AdoptReplacement s) {
            return action;
        }

        @Override
        public Seen visitStartContainer(Step.StartContainer s) {
            return action;
        }

        @Override
        public Seen visitRestartContainer(Step.RestartContainer s) {
            return action;
        }

        @Override
        public Seen visitStopContainer(Step.StopContainer s) {
            return new Seen(Situation.STOP, null, null);
        }

        @Override
        public Seen visitRemoveContainer(Step.RemoveContainer s) {
            return new Seen(Situation.REMOVE, null, null);
        }

        @Override
        public Seen visitHoldRemoval(Step.HoldRemoval s) {
            return new Seen(Situation.HOLD, null, null);
        }

        @Override
        public Seen visitWait(Step.Wait s) {
            return new Seen(Situation.WAIT, s.reason(), s.until());
        }
    };

    private static String shortHash(String h) {
        return h == null ? "?" : h.length() > 12 ? h.substring(0, 12) : h;
    }

    private static Phase phaseOf(ObservedContainer c) {
        return switch (c.state()) {
            case RUNNING, PAUSED -> Phase.Running;
            case RESTARTING -> Phase.CrashLoopBackOff;
            case CREATED, UNKNOWN -> Phase.Pending;
            case REMOVING -> Phase.Removing;
            case EXITED, DEAD -> c.exitCode() != null && c.exitCode() == 0 ? Phase.Succeeded : Phase.Failed;
        };
    }
}
