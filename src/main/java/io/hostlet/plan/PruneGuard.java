package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ObservedState;

import java.util.ArrayList;
import java.util.List;

/**
 * The last word on container removal, decided purely from counts: an input that suddenly says "remove most of what
 * runs" is more often a failed mount, a wrong path or a bad merge than a wish. When it refuses, the pass removes
 * nothing (no container, network or image) and each container it would have removed carries a
 * {@link Step.HoldRemoval} saying why; creates, restarts and recreates go on as planned.
 *
 * <p>Two rules: (1) a desired state with no manifests at all (no Container or Image, nothing held) removes nothing
 * while this instance manages containers, unless {@code allowEmpty}; (2) a pass that would remove more than
 * {@code maxFraction} of the managed containers, and more than {@value #ALWAYS_ALLOWED}, removes nothing. With
 * {@code allowEmpty} an empty state may remove everything: the operator said an empty source is meant.
 * The refusal lasts while its cause does: restore the files, remove fewer at a time, or change the settings.
 *
 * @param allowEmpty  {@code hostlet.prune.allow-empty}
 * @param maxFraction {@code hostlet.prune.max-fraction}; 1 or more turns rule (2) off
 */
public record PruneGuard(boolean allowEmpty, double maxFraction) {

    /** Removals per pass that never need the fraction's permission: deleting one or two files is ordinary. */
    public static final int ALWAYS_ALLOWED = 2;

    /** hostlet's defaults. */
    public static final PruneGuard DEFAULT = new PruneGuard(false, 0.5);

    /** No guard: every removal the planner decides is made (the planner's own overloads without a guard). */
    public static final PruneGuard OFF = new PruneGuard(true, Double.POSITIVE_INFINITY);

    /**
     * Why removing {@code removals} of {@code managed} containers must not happen now; null when it may.
     *
     * @param desiredEmpty whether the desired state holds no manifest at all
     */
    public String refusal(boolean desiredEmpty, int managed, int removals) {
        if (removals == 0) {
            return null;
        }
        if (desiredEmpty) {
            return allowEmpty ? null : "the manifests source holds no manifests while this instance manages " + managed
                    + " container(s): nothing is removed (a failed mount or a wrong path looks the same; set"
                    + " hostlet.prune.allow-empty=true if an empty source is meant)";
        }
        if (removals > ALWAYS_ALLOWED && removals > maxFraction * managed) {
            return "this pass would remove " + removals + " of the " + managed + " managed containers, more than"
                    + " hostlet.prune.max-fraction=" + maxFraction + " allows: nothing is removed until the manifests"
                    + " change or the setting allows it";
        }
        return null;
    }

    /** Whether {@code desired} holds no manifest at all: nothing in force, nothing held. */
    public static boolean isEmpty(DesiredState desired) {
        return desired.containers().isEmpty() && desired.images().isEmpty() && desired.heldFiles().isEmpty()
                && desired.heldNames().isEmpty() && desired.heldImages().isEmpty();
    }

    /**
     * {@code plan} as this guard lets it run. A container step whose name has no manifest in force is a removal
     * (a {@link Step.RemoveContainer}, or a {@link Step.Wait} for the removal order or a backoff); when the guard
     * refuses, each becomes a {@link Step.HoldRemoval} and network and image removals are dropped too.
     */
    public Plan apply(Plan plan, DesiredState desired, ObservedState observed) {
        List<Step> removals = plan.steps().stream().filter(s -> isRemoval(s, desired)).toList();
        String why = refusal(isEmpty(desired), observed.containers().size(), removals.size());
        if (why == null) {
            return plan;
        }
        List<Plan.Phase> phases = new ArrayList<>();
        for (Plan.Phase phase : plan.phases()) {
            List<Step> out = new ArrayList<>();
            for (Step s : phase.steps()) {
                if (isRemoval(s, desired)) {
                    out.add(new Step.HoldRemoval(s.target(), why));
                } else if (!(s instanceof Step.RemoveNetwork) && !(s instanceof Step.RemoveImage)) {
                    out.add(s);
                }
            }
            phases.add(new Plan.Phase(phase.kind(), out));
        }
        return new Plan(phases);
    }

    private static boolean isRemoval(Step s, DesiredState desired) {
        if (s.target().kind() != Target.Kind.container) {
            return false;
        }
        String name = s.target().name();
        return !desired.containers().containsKey(name) && !desired.heldNames().contains(name)
                && (s instanceof Step.RemoveContainer || s instanceof Step.Wait);
    }
}
