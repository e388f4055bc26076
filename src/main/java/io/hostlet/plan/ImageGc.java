package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.LocalImages;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.ImageRefs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Image garbage collection, decided purely: which of the images hostlet pulled are no longer wanted, since when,
 * and which to remove now. Off unless {@code hostlet.images.prune=true}.
 *
 * <p>Safety rules, all of which must hold for a {@link Step.RemoveImage}: the image is in hostlet's record of its own
 * pulls (an image hostlet did not pull is never a candidate); the desired state is {@link DesiredState#settled()
 * settled} (read completely, no manifest with errors); no desired Container or Image references it, by reference or
 * by image id; no container hostlet observes uses it; the reference still names the recorded image id; and it has
 * been unwanted for the whole grace period. The removal itself is without force, so the engine still refuses an
 * image some other container uses.
 *
 * @param prune  whether garbage collection is on
 * @param grace  how long an image must have been unwanted before it goes
 * @param pulled hostlet's record of the images it pulled
 */
public record ImageGc(boolean prune, Duration grace, List<PulledImage> pulled) {

    /** Garbage collection off. */
    public static final ImageGc OFF = new ImageGc(false, Duration.ZERO, List.of());

    public ImageGc {
        pulled = List.copyOf(pulled);
    }

    /**
     * The record brought up to date with this pass's observation: entries whose reference no longer names their
     * image (removed or re-pointed by someone: no longer hostlet's) are dropped; wanted entries lose their
     * {@code unwantedSince}; unwanted ones get it, but only while the desired state is settled, because a file with
     * errors may be the one that still wants the image. Unchanged when the local images were not listed.
     */
    public static List<PulledImage> track(List<PulledImage> record, DesiredState desired, ObservedState observed,
                                          Instant now) {
        LocalImages local = observed.localImages();
        if (local == null) {
            return record;
        }
        Wanted wanted = wanted(desired, observed);
        List<PulledImage> out = new ArrayList<>();
        for (PulledImage p : record) {
            if (!p.imageId().equals(local.idOf(p.reference()))) {
                continue;
            }
            if (wanted.covers(p)) {
                out.add(p.unwantedSince(null));
            } else if (desired.settled() && p.unwantedSince() == null) {
                out.add(p.unwantedSince(now));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** The removals due now, by reference. */
    List<Step> removals(DesiredState desired, ObservedState observed, Instant now) {
        LocalImages local = observed.localImages();
        if (!prune || local == null || !desired.settled()) {
            return List.of();
        }
        Wanted wanted = wanted(desired, observed);
        List<Step> out = new ArrayList<>();
        for (PulledImage p : pulled.stream().sorted(Comparator.comparing(PulledImage::reference)).toList()) {
            if (wanted.covers(p) || p.unwantedSince() == null || now.isBefore(p.unwantedSince().plus(grace))
                    || !p.imageId().equals(local.idOf(p.reference()))) {
                continue;
            }
            out.add(new Step.RemoveImage(p.reference(), p.imageId(), "pulled by hostlet, unused since "
                    + p.unwantedSince() + " (grace " + grace + ")"));
        }
        return out;
    }

    /** What the desired state and the running containers still need, by familiar reference and by image id. */
    private static Wanted wanted(DesiredState desired, ObservedState observed) {
        Set<String> refs = new HashSet<>();
        for (ContainerManifest m : desired.containers().values()) {
            refs.add(ImageRefs.familiar(m.spec().image()));
        }
        for (ImageManifest m : desired.images().values()) {
            refs.add(ImageRefs.familiar(m.image()));
        }
        Set<String> ids = new HashSet<>();
        for (ObservedContainer c : observed.containers()) {
            if (c.image() != null) {
                refs.add(ImageRefs.familiar(c.image()));
            }
            if (c.imageId() != null) {
                ids.add(c.imageId());
            }
        }
        LocalImages local = observed.localImages();
        if (local != null) {
            refs.stream().map(local::idOf).filter(Objects::nonNull).forEach(ids::add);
        }
        return new Wanted(refs, ids);
    }

    private record Wanted(Set<String> refs, Set<String> ids) {
        boolean covers(PulledImage p) {
            return refs.contains(ImageRefs.familiar(p.reference())) || ids.contains(p.imageId());
        }
    }
}
