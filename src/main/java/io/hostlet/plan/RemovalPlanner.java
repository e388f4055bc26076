package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ObservedContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The removals family: hostlet's containers whose manifest is gone are removed, in reverse start order. Asked only
 * when the desired state is complete (see {@link Planner}); a container whose name is held, or whose file has errors,
 * is never removed here. Networks follow in {@link NetworkPlanner}, images in {@link ImageGc}. Pure.
 */
final class RemovalPlanner {

    private RemovalPlanner() {
    }

    /**
     * The steps for containers no manifest wants, and the ids of those they remove (their networks may go too).
     *
     * @param steps      removals, and waits for those that others being removed depend on
     * @param removedIds the containers the removals remove
     */
    record Removals(List<Step> steps, Set<String> removedIds) {
        static final Removals NONE = new Removals(List.of(), Set.of());
    }

    /** The removals among the observed containers {@code byName} (by manifest name) that {@code desired} drops. */
    static Removals plan(DesiredState desired, Map<String, List<ObservedContainer>> byName) {
        Map<String, List<ObservedContainer>> unwanted = unwanted(desired, byName);
        List<Step> steps = new ArrayList<>();
        Set<String> removedIds = new TreeSet<>();
        unwanted.forEach((name, cs) -> {
            List<String> dependents = dependents(name, unwanted);
            for (ObservedContainer c : cs) {
                if (dependents.isEmpty()) {
                    steps.add(new Step.RemoveContainer(c.id(), name, StopGrace.of(c), "manifest removed"));
                    removedIds.add(c.id());
                } else {
                    steps.add(new Step.Wait(Target.container(name), Step.Wait.Reason.REMOVAL_ORDER, null,
                            "manifest removed; waiting for " + String.join(", ", dependents)
                                    + " (which depend on it) to be removed first"));
                }
            }
        });
        return new Removals(steps, removedIds);
    }

    /** The containers no manifest claims, by name, but those whose name is held or whose file has errors. */
    private static Map<String, List<ObservedContainer>> unwanted(DesiredState desired,
                                                                 Map<String, List<ObservedContainer>> byName) {
        Map<String, List<ObservedContainer>> unwanted = new TreeMap<>();
        byName.forEach((name, cs) -> {
            if (desired.containers().containsKey(name) || desired.heldNames().contains(name)) {
                return;
            }
            for (ObservedContainer c : cs) {
                if (c.source() != null && desired.heldFiles().contains(c.source())) {
                    continue; // its file has errors: never delete because a file became invalid
                }
                unwanted.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
            }
        });
        return unwanted;
    }

    /**
     * The others being removed that depend on {@code name}, sorted. Reverse start order: a container goes only after
     * them. Level-based: once they are gone (the next pass sees it), nothing holds it any more.
     */
    private static List<String> dependents(String name, Map<String, List<ObservedContainer>> unwanted) {
        return new ArrayList<>(new TreeSet<>(unwanted.entrySet().stream()
                .filter(r -> !r.getKey().equals(name))
                .filter(r -> r.getValue().stream().anyMatch(d -> d.dependsOn().contains(name)))
                .map(Map.Entry::getKey).toList()));
    }
}
