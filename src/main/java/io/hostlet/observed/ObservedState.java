package io.hostlet.observed;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what hostlet owns on the engine, taken once before deciding, so that planning makes no
 * engine calls.
 *
 * @param containers managed containers of this hostlet instance
 * @param networks   managed networks of this instance by name → id; empty when not listed
 * @param images     registry checks of the desired images with pull policy Always, by reference, as of the last
 *                   check (they are made once per resync interval, not every pass); empty when none
 * @param localImages the images on the engine; null when they were not listed in this pass (they are listed only
 *                    when Image manifests exist or image garbage collection is on, so a plain pass costs two calls)
 */
public record ObservedState(List<ObservedContainer> containers, Map<String, String> networks,
                            Map<String, ImageCheck> images, LocalImages localImages) {
    public ObservedState {
        containers = List.copyOf(containers);
        networks = Map.copyOf(networks);
        images = Map.copyOf(images);
    }

    /** What one listing shows: containers and networks, nothing known yet about images. */
    public static ObservedState listed(List<ObservedContainer> containers, Map<String, String> networks) {
        return new ObservedState(containers, networks, Map.of(), null);
    }

    /** The same snapshot with {@code checks}. */
    public ObservedState withImages(Map<String, ImageCheck> checks) {
        return new ObservedState(containers, networks, checks, localImages);
    }

    /** The same snapshot with the local images listed. */
    public ObservedState withLocalImages(LocalImages local) {
        return new ObservedState(containers, networks, images, local);
    }
}
