package io.hostlet.plan;

import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The blocked-mount family: containers whose bind mounts now lead through a symlink to a path the policy refuses
 * (see {@link ObservedState#blockedMounts()}). The engine would mount that path again at the container's next start,
 * its own restart policy included, so a running one is stopped and one not running is held: never removed, started
 * or recreated while it lasts, and status shows why. A removal of the name (its manifest is gone) wins over the hold.
 * Pure.
 */
final class BlockedMountPlanner {

    private BlockedMountPlanner() {
    }

    /** Why each manifest name's containers are blocked, by name; empty when none is. */
    static Map<String, String> blocked(ObservedState observed, Map<String, List<ObservedContainer>> byName) {
        Map<String, String> blocked = new TreeMap<>();
        byName.forEach((name, cs) -> cs.stream().map(c -> observed.blockedMounts().get(c.id()))
                .filter(Objects::nonNull).findFirst().ifPresent(why -> blocked.put(name, why)));
        return blocked;
    }

    /**
     * The stop or hold of each blocked name that {@code planned} has no step for (a removal of it is left to run).
     *
     * @param planned the container steps decided so far
     */
    static List<Step> holds(Map<String, String> blocked, Map<String, List<ObservedContainer>> byName,
                            List<Step> planned) {
        Set<Target> taken = new java.util.HashSet<>();
        planned.forEach(s -> taken.add(s.target()));
        List<Step> out = new ArrayList<>();
        blocked.forEach((name, why) -> {
            if (!taken.contains(Target.container(name))) {
                out.add(hold(name, byName.get(name), why));
            }
        });
        return out;
    }

    /** One step per target: the stop of the first of {@code found} that runs, else a wait that holds it stopped. */
    private static Step hold(String name, List<ObservedContainer> found, String why) {
        for (ObservedContainer c : found) {
            if (c.state() == ObservedContainer.State.RUNNING || c.state() == ObservedContainer.State.PAUSED
                    || c.state() == ObservedContainer.State.RESTARTING) {
                return new Step.StopContainer(c.id(), name, StopGrace.of(c), "stopped, not removed: " + why);
            }
        }
        return new Step.Wait(Target.container(name), Step.Wait.Reason.BLOCKED_MOUNT, null, "held, not started: " + why);
    }
}
