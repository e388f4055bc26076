package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.manifest.SpecLabel;
import io.hostlet.manifest.UpdatePolicy;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The replacements family: when a container is replaced (its spec changed, or its Always image moved), and what the
 * replacements a crash or an unfinished swap left beside the name become: finished, adopted, made afresh or removed.
 * Hostlet's own by their name ({@link io.hostlet.observed.Ownership}), so never two for one name. Pure.
 */
final class ReplacementPlanner {

    private ReplacementPlanner() {
    }

    /**
     * What the replacements beside the name come to.
     *
     * @param keep    the container that stays for the name (the one that has it, or the replacement that takes it); null
     *                when there is none, and the container is to be created
     * @param cleanup removals of replacements left over, in the order they run
     * @param step    the step that finishes an interrupted replacement; null when none is, and the container's
     *                lifecycle decides
     */
    record Recovery(ObservedContainer keep, List<Step> cleanup, Step step) {
    }

    /**
     * Sorts out the replacements of {@code o}. {@code update} is the gated update of this spec in progress (see
     * {@link UpdatePlanner#gated}), or null: its old container is kept for a rollback, and a swap it interrupted is
     * finished gated.
     */
    static Recovery recover(Occupants o, Updates.InProgress update) {
        List<Step> cleanup = new ArrayList<>();
        ObservedContainer keep;
        ObservedContainer next = o.next();
        Step step = null;
        if (o.real() == null) {
            keep = next != null ? next : pickKeeper(o.replacements(), o.hash());
            step = keep == null ? null : adopt(o, keep);
        } else {
            keep = o.real();
            if (next == null || o.current(keep)) {
                next = null; // the real one already has this spec: a replacement beside it is a duplicate
            } else if (unstarted(keep, next)) {
                cleanup.add(madeAfresh(o, next));
            } else {
                step = resume(o, next, update != null);
            }
        }
        cleanup.addAll(leftovers(o, keep, next, update == null ? null : update.oldId()));
        return new Recovery(keep, cleanup, step);
    }

    /**
     * (c) The old container is gone: the replacement for this spec, else the best of the others, takes the name, and
     * is started if it never was. One made for another spec (the manifest changed again) takes the name without
     * starting; the next pass replaces it like any old container, carrying its volumes over.
     */
    private static Step adopt(Occupants o, ObservedContainer keep) {
        boolean current = o.current(keep);
        return new Step.AdoptReplacement(keep.id(), o.name(), keep.name(),
                current && keep.state() == ObservedContainer.State.CREATED, o.hash(),
                "replacement " + keep.name() + " left without its old container: takes the name"
                        + (current ? "" : " (made for another spec; replaced next)"));
    }

    /** (a) A crash before the swap began: the old one still serves, and the replacement never started. */
    private static boolean unstarted(ObservedContainer real, ObservedContainer next) {
        return real.state() == ObservedContainer.State.RUNNING && next.state() == ObservedContainer.State.CREATED;
    }

    /**
     * The replacement may be half-made (a crash between its create and joining its further networks), so it is
     * removed, and made afresh by the replacement the container's lifecycle then asks for.
     */
    private static Step madeAfresh(Occupants o, ObservedContainer next) {
        return new Step.RemoveContainer(next.id(), o.name(), StopGrace.of(next),
                "unfinished replacement " + next.name() + " (never started): made afresh");
    }

    /**
     * (b) A crash during the swap: the old one was stopped (or the new one started); go on with it. {@code gated}: the
     * old one stays (stopped) until the update's gate is judged.
     */
    private static Step resume(Occupants o, ObservedContainer next, boolean gated) {
        ObservedContainer real = o.real();
        return new Step.ResumeReplacement(real.id(), StopGrace.of(real), next.id(), o.name(), next.name(), o.hash(),
                o.manifest().spec().image(), "replacement " + next.name() + " interrupted mid-swap: finished", gated);
    }

    /**
     * (d) Removals of the replacements for another spec, and of duplicates: all but {@code keep}, {@code next} (taken
     * care of already) and the old container an update keeps for its rollback.
     */
    private static List<Step> leftovers(Occupants o, ObservedContainer keep, ObservedContainer next,
                                        String rollbackOldId) {
        List<Step> removals = new ArrayList<>();
        for (ObservedContainer extra : o.replacements()) {
            if (extra != keep && extra != next && !extra.id().equals(rollbackOldId)) {
                removals.add(new Step.RemoveContainer(extra.id(), o.name(), StopGrace.of(extra), o.current(extra)
                        ? "duplicate of " + Abbrev.id(keep.id())
                        : "leftover replacement " + extra.name() + " for another spec"));
            }
        }
        return removals;
    }

    /** Among several containers for one name, keep the one already right and running, else the newest. */
    private static ObservedContainer pickKeeper(List<ObservedContainer> found, String hash) {
        return found.stream().max(Comparator
                        .comparing((ObservedContainer c) -> hash.equals(c.specHash()))
                        .thenComparing(c -> c.state() == ObservedContainer.State.RUNNING)
                        .thenComparing(ObservedContainer::created)
                        .thenComparing(ObservedContainer::id))
                .orElse(null);
    }

    /**
     * The replacement of {@code keep} when it is due: its spec changed, or its image (pull policy Always) was updated
     * in the registry and pulled; null when {@code keep} may stay. {@code image} is the registry check of the desired
     * image, or null.
     */
    static Step replacement(Occupants o, ObservedContainer keep, ImageCheck image, Origin origin) {
        ContainerManifest m = o.manifest();
        if (!o.current(keep)) {
            List<String> changed = SpecLabel.changes(m, keep.labels().get(Labels.SPEC), origin.labelKey());
            return replace(o, keep, origin, "spec changed: " + String.join(", ", changed), changed);
        }
        if (imageMoved(m, keep, image)) {
            return replace(o, keep, origin,
                    "image " + m.spec().image() + " updated to " + Abbrev.digest(image.registryDigest()), List.of());
        }
        return null;
    }

    /** Whether the Always image of {@code m} is current on the engine and {@code keep} runs another one. */
    private static boolean imageMoved(ContainerManifest m, ObservedContainer keep, ImageCheck image) {
        return m.spec().imagePullPolicy() == PullPolicy.Always && image != null && image.current()
                && keep.imageId() != null && !keep.imageId().equals(image.localId());
    }

    /**
     * The step that replaces {@code old} by a container of the desired spec: with rollback on, gated (StopFirst keeps
     * the old one stopped beside the new one, StartFirst starts the new one beside the running old one); without, a
     * recreate, which removes the old one at the end of its swap.
     */
    private static Step replace(Occupants o, ObservedContainer old, Origin origin, String cause, List<String> changed) {
        UpdatePolicy policy = o.manifest().spec().update();
        Step.NewContainer made = NewContainers.of(o.manifest(), o.hash(), origin, old);
        String rollbackTo = policy.rollback() ? (old.specHash() == null ? "" : old.specHash()) : null;
        if (policy.strategy() == UpdatePolicy.Strategy.StartFirst && old.state() == ObservedContainer.State.RUNNING) {
            // Beside a stopped old one there is nothing to keep serving: StopFirst's swap is as good and simpler.
            return new Step.StartBeside(made, o.nextName(), old.id(), rollbackTo == null ? "" : rollbackTo,
                    cause + " (StartFirst)");
        }
        return new Step.RecreateContainer(old.id(), StopGrace.of(old), made, o.nextName(), cause, rollbackTo, changed);
    }
}
