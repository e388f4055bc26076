package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.Dependency;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.ObservedContainer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The container lifecycle family: for each desired container, in the order of these questions, whether it is kept
 * stopped ({@link #stopCause}), whether an update of it is being judged ({@link UpdatePlanner}), what the replacements
 * beside its name come to ({@link ReplacementPlanner}), and then the one step that brings it to its spec and state:
 * created, replaced, started or restarted, once what it depends on is there. At most one such step per container and
 * pass; what else it needs, the next pass sees. Pure.
 */
final class LifecyclePlanner {

    private final DesiredState desired;
    private final Map<String, List<ObservedContainer>> byName;
    private final Map<String, ImageCheck> images;
    private final Origin origin;
    private final Updates updates;
    private final Instant now;

    /**
     * @param byName the observed containers by the manifest name they are for
     * @param images the registry checks of images, by reference
     */
    LifecyclePlanner(DesiredState desired, Map<String, List<ObservedContainer>> byName, Map<String, ImageCheck> images,
                     Origin origin, Updates updates, Instant now) {
        this.desired = desired;
        this.byName = byName;
        this.images = images;
        this.origin = origin;
        this.updates = updates;
        this.now = now;
    }

    /**
     * The steps of every desired container whose name is neither held nor {@code blocked}, by manifest name.
     *
     * @param blocked names whose containers {@link BlockedMountPlanner} keeps stopped
     */
    List<Step> plan(Set<String> blocked) {
        List<Step> steps = new ArrayList<>();
        for (ContainerManifest m : new TreeMap<>(desired.containers()).values()) {
            if (!desired.heldNames().contains(m.name()) && !blocked.contains(m.name())) {
                steps.addAll(plan(m));
            }
        }
        return steps;
    }

    /** The steps of the desired container {@code m}, in the order they run. */
    private List<Step> plan(ContainerManifest m) {
        List<ObservedContainer> found = byName.getOrDefault(m.name(), List.of());
        String stopCause = stopCause(m);
        if (stopCause != null) {
            return stopRunning(m.name(), found, stopCause);
        }
        Occupants o = Occupants.of(m, found);
        Updates.InProgress update = UpdatePlanner.gated(o, updates);
        Step judged = update == null ? null : UpdatePlanner.judge(o, update, updates, now);
        if (judged != null) {
            return List.of(judged);
        }
        Updates.Refusal refusal = UpdatePlanner.refusal(o, updates);
        ReplacementPlanner.Recovery recovery = ReplacementPlanner.recover(o, update);
        List<Step> steps = new ArrayList<>(recovery.cleanup());
        addIfAny(steps, UpdatePlanner.rolledBack(o, recovery.keep(), refusal));
        // A replacement in progress is finished first; what else the container needs, the next pass sees.
        Step step = recovery.step() != null ? recovery.step() : converge(o, recovery.keep(), refusal != null);
        addIfAny(steps, awaitDependencies(m, step));
        return steps;
    }

    /**
     * Why {@code m}'s containers are stopped and kept as they are, whatever else the manifest asks; null when they are
     * not. Then no create, recreate, start or cleanup of replacements: all of that waits until the cause is gone, when
     * the next pass plans the container as usual.
     */
    private static String stopCause(ContainerManifest m) {
        return m.spec().suspend() ? "suspended" : null;
    }

    /** A stop for each of {@code found} that runs (or would run again by itself), and nothing else. */
    private static List<Step> stopRunning(String name, List<ObservedContainer> found, String cause) {
        return found.stream()
                .filter(c -> c.state() == ObservedContainer.State.RUNNING || c.state() == ObservedContainer.State.PAUSED
                        || c.state() == ObservedContainer.State.RESTARTING)
                .map(c -> (Step) new Step.StopContainer(c.id(), name, StopGrace.of(c), cause))
                .toList();
    }

    /**
     * The step that brings {@code keep} to the desired spec and state, or creates the container when {@code keep} is
     * null; null when nothing is due. A {@code refused} spec is not tried again: the container of the previous one is
     * looked after as usual.
     */
    private Step converge(Occupants o, ObservedContainer keep, boolean refused) {
        if (keep == null) {
            return new Step.CreateContainer(NewContainers.of(o.manifest(), o.hash(), origin, null), "not found");
        }
        Step replacement = refused ? null
                : ReplacementPlanner.replacement(o, keep, images.get(o.manifest().spec().image()), origin);
        return replacement != null ? replacement : keepRunning(o, keep);
    }

    /**
     * The step that keeps {@code keep} running as its manifest asks: started once created, started again after an
     * exit its restart policy restarts, restarted when unhealthy with restartOnUnhealthy; null when none is due.
     */
    private static Step keepRunning(Occupants o, ObservedContainer keep) {
        ContainerManifest m = o.manifest();
        String keptHash = keep.specHash() == null ? o.hash() : keep.specHash(); // differs after a rollback
        return switch (keep.state()) {
            case CREATED -> new Step.StartContainer(keep.id(), m.name(), keptHash, false, "created but not started");
            case EXITED, DEAD -> {
                int code = keep.exitCode() == null ? -1 : keep.exitCode();
                yield m.spec().restartPolicy().restarts(code)
                        ? new Step.StartContainer(keep.id(), m.name(), keptHash, true,
                                "exited with code " + code + ", restartPolicy " + m.spec().restartPolicy())
                        : null;
            }
            case RUNNING -> keep.health() == ObservedContainer.Health.UNHEALTHY && m.spec().restartOnUnhealthy()
                    ? new Step.RestartContainer(keep.id(), m.name(), StopGrace.of(keep), keptHash,
                            "unhealthy, restartOnUnhealthy")
                    : null;
            default -> null; // paused, restarting (the engine's own policy is at work), removing
        };
    }

    /**
     * {@code step}, or a wait for what it depends on when that is not there yet. A restart and a rename alone start
     * nothing new, so they wait for nobody. No timer: the dependency's start, health_status or die event asks for the
     * next pass.
     */
    private Step awaitDependencies(ContainerManifest m, Step step) {
        if (step == null || step instanceof Step.RestartContainer
                || step instanceof Step.AdoptReplacement a && !a.start()) {
            return step;
        }
        List<String> unmet = m.spec().dependsOn().stream()
                .filter(d -> !satisfied(d, desired.containers().get(d.name()), byName.getOrDefault(d.name(), List.of())))
                .map(Dependency::describe).toList();
        return unmet.isEmpty() ? step
                : new Step.Wait(step.target(), Step.Wait.Reason.DEPENDENCY, null, "waiting for " + String.join(", ", unmet));
    }

    /** Whether {@code d} holds in the observed state; {@code target} is the dependency's manifest, if any. */
    private static boolean satisfied(Dependency d, ContainerManifest target, List<ObservedContainer> found) {
        return found.stream().anyMatch(c -> switch (d.condition()) {
            case started -> c.state() == ObservedContainer.State.RUNNING;
            case healthy -> c.state() == ObservedContainer.State.RUNNING
                    && (c.health() == ObservedContainer.Health.HEALTHY
                        || c.health() == ObservedContainer.Health.NONE && (target == null || target.spec().healthcheck() == null));
            case completed -> c.state() == ObservedContainer.State.EXITED && c.exitCode() != null && c.exitCode() == 0;
        });
    }

    private static void addIfAny(List<Step> steps, Step step) {
        if (step != null) {
            steps.add(step);
        }
    }
}
