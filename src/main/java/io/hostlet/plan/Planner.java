package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides what to do: a pure function of its {@link PlanInput} with no I/O, so every decision can be table-tested
 * without an engine. The one entry of the planner; it composes the families, each a class of its own, as docker
 * compose splits its planner: {@link NetworkPlanner}, {@link PullPlanner}, {@link LifecyclePlanner} (which asks
 * {@link UpdatePlanner} and {@link ReplacementPlanner}), {@link RemovalPlanner}, {@link BlockedMountPlanner} and {@link ImageGc}. Every step they
 * decide then passes the {@link StepGate} (in flight, backoff) and, last, the {@link PruneGuard}.
 *
 * <p>Safety rules: no container or network is removed while the desired state is incomplete (decided here; for
 * images {@link ImageGc} asks more, a settled one); a container whose manifest file has errors, or whose name two
 * manifests claim, is left alone (neither {@link LifecyclePlanner} nor {@link RemovalPlanner} plans it); only
 * containers of this instance, named as their labels claim, are ever in {@code observed.containers()} (see
 * {@link io.hostlet.observed.Ownership}), so nothing else can be touched. Images are removed only under the rules of
 * {@link ImageGc}.
 */
public final class Planner {

    private Planner() {
    }

    /** Whether {@code s} waits for a step of an earlier pass that is still running. */
    public static boolean inProgress(Step s) {
        return s instanceof Step.Wait w && w.reason() == Step.Wait.Reason.IN_PROGRESS;
    }

    /**
     * The plan that moves the observed state towards the desired one (see {@link PlanInput} for each input): images
     * are removed as its {@code gc} allows and containers as its {@code guard} allows; what it creates is labelled as
     * its {@code origin}'s. The one entry of the planner.
     */
    public static Plan plan(PlanInput in) {
        Plan decided = decide(in);
        // The guard judges the plan's removals as a whole, after they are decided: kept apart from the decisions.
        return in.guard() == null ? decided : in.guard().apply(decided, in.desired(), in.observed());
    }

    private static Plan decide(PlanInput in) {
        DesiredState desired = in.desired();
        ObservedState observed = in.observed();
        Map<String, List<ObservedContainer>> byName = byName(observed);
        Set<String> wantedNetworks = NetworkPlanner.wanted(desired);
        // Never remove because the input is incomplete: only a complete desired state says what is gone.
        RemovalPlanner.Removals removals = desired.complete() ? RemovalPlanner.plan(desired, byName)
                : RemovalPlanner.Removals.NONE;
        List<Step> networkRemovals = desired.complete()
                ? NetworkPlanner.removals(wantedNetworks, observed, removals.removedIds()) : List.of();

        // Containers whose binds now lead through a planted symlink to a refused path: stopped and held, not removed.
        Map<String, String> blocked = BlockedMountPlanner.blocked(observed, byName);
        List<Step> containers = new ArrayList<>(new LifecyclePlanner(desired, byName, observed.images(), in.origin(),
                in.updates(), in.now()).plan(blocked.keySet()));
        containers.addAll(removals.steps());
        containers.addAll(BlockedMountPlanner.holds(blocked, byName, containers));
        containers.sort(Comparator.comparing(s -> s.target().toString())); // stable: a target's steps keep their order

        // Conservative: a removal must not race a create that is still running, so removals wait for a quiet moment.
        boolean quiet = in.inFlight().isEmpty();
        StepGate gate = new StepGate(in.backoffs(), in.inFlight(), in.now());
        return Plan.of(
                gate.phase(Plan.Kind.CREATE_NETWORKS, NetworkPlanner.creates(wantedNetworks, observed, in.origin())),
                gate.phase(Plan.Kind.PULL_IMAGES, PullPlanner.pulls(desired, observed)),
                gate.phase(Plan.Kind.CONTAINERS, containers),
                gate.phase(Plan.Kind.REMOVE_IMAGES, quiet ? in.gc().removals(desired, observed, in.now()) : List.of()),
                gate.phase(Plan.Kind.REMOVE_NETWORKS, quiet ? networkRemovals : List.of()));
    }

    /** The observed containers by the manifest name they are for (a replacement's is not its Docker name), sorted. */
    private static Map<String, List<ObservedContainer>> byName(ObservedState observed) {
        Map<String, List<ObservedContainer>> byName = new TreeMap<>();
        for (ObservedContainer c : observed.containers()) {
            String name = c.managedName() == null ? c.name() : c.managedName();
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
        }
        return byName;
    }
}
