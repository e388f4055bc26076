package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.manifest.ImageRefs;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.ObservedState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pulls family: one pull per image reference, whoever wants it, by reference. First the images with pull policy
 * Always whose registry digest moved (checked once per resync, see {@link ImageCheck}), then the images that Image
 * manifests keep present. An image that only a container needs and the engine lacks is not pulled here: the
 * container's create fetches it as its {@link PullMode} says. Nothing of a held manifest is pulled. Pure.
 */
final class PullPlanner {

    private PullPlanner() {
    }

    /** The pulls {@code desired} needs on the engine {@code observed} describes, by image reference. */
    static List<Step> pulls(DesiredState desired, ObservedState observed) {
        Map<String, Step> byImage = new TreeMap<>();
        digestMoved(desired, observed, byImage);
        keptPresent(desired, observed, byImage);
        return new ArrayList<>(byImage.values());
    }

    /** The images with pull policy Always, of containers and Image manifests, whose registry has another digest. */
    private static void digestMoved(DesiredState desired, ObservedState observed, Map<String, Step> byImage) {
        for (String image : alwaysPulled(desired)) {
            ImageCheck check = observed.images().get(image);
            if (check != null && !check.current()) {
                byImage.put(image, new Step.PullImage(image, check.registryDigest(), check.localId() == null
                        ? "not present; the registry has " + Abbrev.digest(check.registryDigest())
                        : "the registry's digest moved to " + Abbrev.digest(check.registryDigest())));
            }
        }
    }

    private static Set<String> alwaysPulled(DesiredState desired) {
        Set<String> always = new TreeSet<>();
        desired.containers().values().stream()
                .filter(m -> !desired.heldNames().contains(m.name()))
                .filter(m -> m.spec().imagePullPolicy() == PullPolicy.Always)
                .forEach(m -> always.add(m.spec().image()));
        desired.images().values().stream()
                .filter(m -> !desired.heldImages().contains(m.name()))
                .filter(m -> m.imagePullPolicy() == PullPolicy.Always)
                .forEach(m -> always.add(m.image()));
        return always;
    }

    /** The images Image manifests keep present that the engine lacks, unless a pull of the image is planned already. */
    private static void keptPresent(DesiredState desired, ObservedState observed, Map<String, Step> byImage) {
        if (observed.localImages() == null) {
            return; // not listed in this pass: nothing is known missing
        }
        new TreeMap<>(desired.images()).values().stream()
                .filter(m -> !desired.heldImages().contains(m.name()))
                .filter(m -> m.imagePullPolicy() != PullPolicy.Never) // Never: only reported, see status
                .filter(m -> observed.localImages().idOf(m.image()) == null)
                .filter(m -> byImage.keySet().stream().noneMatch(ref -> ImageRefs.familiar(ref)
                        .equals(ImageRefs.familiar(m.image())))) // one image spelled two ways is one pull
                .forEach(m -> byImage.putIfAbsent(m.image(), new Step.PullImage(m.image(), null,
                        "not present; Image " + m.name() + " keeps it (imagePullPolicy " + m.imagePullPolicy() + ")")));
    }
}
