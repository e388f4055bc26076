package io.hostlet.observed;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what hostlet owns on the engine, taken once before deciding, so that planning makes no
 * engine calls.
 *
 * @param containers managed containers of this hostlet instance: labelled as this instance's <em>and</em> named as
 *                   their labels claim (see {@link Ownership}); the planner acts on these only
 * @param networks   managed networks of this instance by name → id; empty when not listed
 * @param images     registry checks of the desired images with pull policy Always, by reference, as of the last
 *                   check (they are made once per resync interval, not every pass); empty when none
 * @param localImages the images on the engine; null when they were not listed in this pass (they are listed only
 *                    when Image manifests exist or image garbage collection is on, so a plain pass costs two calls)
 * @param foreignCopies containers that carry this instance's labels under a name that is not the one they claim
 *                      (e.g. {@code docker run --name web-debug} of a {@code docker commit} of {@code web}): not
 *                      hostlet's, never touched, only reported
 * @param restartCounts the engine's restart count ({@code RestartCount}, what its restart policy did) by container
 *                      id, which the list call does not carry; empty when not read (a preview, a test's table)
 * @param blockedMounts containers (by id) whose bind mounts now lead through a symlink to a path the policy refuses,
 *                      with why: stopped and held, never removed; empty when none
 */
public record ObservedState(List<ObservedContainer> containers, Map<String, String> networks,
                            Map<String, ImageCheck> images, LocalImages localImages, List<ObservedContainer> foreignCopies,
                            Map<String, Integer> restartCounts, Map<String, String> blockedMounts) {
    /**
     * Ownership is decided here, once, for every consumer: whatever list a snapshot is made from (the engine's
     * listing, a test's table), a container that fails {@link Ownership#owns} ends up in {@code foreignCopies}.
     */
    public ObservedState {
        List<ObservedContainer> owned = new java.util.ArrayList<>();
        List<ObservedContainer> foreign = new java.util.ArrayList<>(foreignCopies == null ? List.of() : foreignCopies);
        for (ObservedContainer c : containers) {
            (Ownership.owns(c) ? owned : foreign).add(c);
        }
        containers = List.copyOf(owned);
        foreignCopies = List.copyOf(foreign);
        networks = Map.copyOf(networks);
        images = Map.copyOf(images);
        restartCounts = restartCounts == null ? Map.of() : Map.copyOf(restartCounts);
        blockedMounts = blockedMounts == null ? Map.of() : Map.copyOf(blockedMounts);
    }

    /** A snapshot without the engine's restart counts, with nothing blocked. */
    public ObservedState(List<ObservedContainer> containers, Map<String, String> networks,
                         Map<String, ImageCheck> images, LocalImages localImages, List<ObservedContainer> foreignCopies) {
        this(containers, networks, images, localImages, foreignCopies, Map.of(), Map.of());
    }

    /** A snapshot of {@code containers} as listed; which of them are foreign copies is decided here. */
    public ObservedState(List<ObservedContainer> containers, Map<String, String> networks,
                         Map<String, ImageCheck> images, LocalImages localImages) {
        this(containers, networks, images, localImages, List.of());
    }

    /** What one listing shows: containers and networks, nothing known yet about images. */
    public static ObservedState listed(List<ObservedContainer> containers, Map<String, String> networks) {
        return new ObservedState(containers, networks, Map.of(), null, List.of());
    }

    /** The same snapshot with {@code checks}. */
    public ObservedState withImages(Map<String, ImageCheck> checks) {
        return new ObservedState(containers, networks, checks, localImages, foreignCopies, restartCounts, blockedMounts);
    }

    /** The same snapshot with the local images listed. */
    public ObservedState withLocalImages(LocalImages local) {
        return new ObservedState(containers, networks, images, local, foreignCopies, restartCounts, blockedMounts);
    }

    /** The same snapshot with {@code blocked} as its blocked mounts (see {@link #blockedMounts}). */
    public ObservedState withBlockedMounts(Map<String, String> blocked) {
        return new ObservedState(containers, networks, images, localImages, foreignCopies, restartCounts, blocked);
    }

    /** The same snapshot with the engine's restart counts by container id. */
    public ObservedState withRestartCounts(Map<String, Integer> counts) {
        return new ObservedState(containers, networks, images, localImages, foreignCopies, counts, blockedMounts);
    }
}
