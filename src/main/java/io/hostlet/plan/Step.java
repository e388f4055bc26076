package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.Ownership;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One thing the plan asks for, with its cause. Steps are data and carry everything their execution needs (labels,
 * pull mode, the steps they need to have succeeded): the executor runs them without deciding anything, and a
 * plan's rendering is the oracle of the planner's tests.
 */
public sealed interface Step {

    /** What the step acts on, e.g. {@code container:web} or {@code network:app}. */
    Target target();

    /** Why the planner chose it, in words for a person. */
    String cause();

    /**
     * Calls the {@code visitor}'s method for this step's kind. Consumers tell steps apart through this, not by
     * {@code instanceof}: a new kind of step then fails to compile until each consumer says what it does with it.
     */
    <R> R accept(Visitor<R> visitor);

    /** The step's kind as shown in a rendered plan. */
    default String action() {
        return getClass().getSimpleName();
    }

    /**
     * The spec a backoff on this target must match to hold: a failed create of one spec must not delay the
     * create of a corrected one. Empty for steps that do not depend on a spec.
     */
    default String gateHash() {
        return "";
    }

    /** Whether the executor has anything to do for it ({@link Wait} is only a note). */
    default boolean isAction() {
        return true;
    }

    /**
     * Targets whose steps earlier in the plan must not have failed for this one to be tried (a container needs its
     * networks). The executor fails such a step without acting when one of them did.
     */
    default List<Target> needs() {
        return List.of();
    }

    /** The image the step fetches or needs (a pull, a container create), for per-image backoff; null for others. */
    default String neededImage() {
        return null;
    }

    /** The registry digest a pull expects (see {@link PullImage}); null for every other step. */
    default String registryDigest() {
        return null;
    }

    /** Whether success means a container (re)started after it had run, which counts against its backoff. */
    default boolean isRestart() {
        return false;
    }

    /** Whether success means a new container, which starts with a clean restart history. */
    default boolean makesContainer() {
        return false;
    }

    /**
     * A container to create: its manifest and spec hash, the full label map it gets, how to get its image, the
     * networks it joins (see {@link #needs()}), and the anonymous volumes of the container it replaces that it mounts
     * at the same paths (see {@link VolumeCarryOver}; empty for a first create).
     */
    record NewContainer(ContainerManifest manifest, String specHash, Map<String, String> labels, PullMode pull,
                        List<Target> networks, List<AnonymousVolume> carriedVolumes) {
        public NewContainer {
            labels = Map.copyOf(labels);
            networks = List.copyOf(networks);
            carriedVolumes = List.copyOf(carriedVolumes);
        }
    }

    /** Create a managed bridge network carrying {@code labels}. */
    record CreateNetwork(String name, Map<String, String> labels, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCreateNetwork(this);
        }

        public CreateNetwork {
            labels = Map.copyOf(labels);
        }

        public Target target() {
            return Target.network(name);
        }
    }

    /** Remove a managed network no desired container needs. */
    record RemoveNetwork(String name, String id, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRemoveNetwork(this);
        }

        public Target target() {
            return Target.network(name);
        }
    }

    /**
     * Pull an image: its pull policy is {@code Always} and the registry serves another digest than the local image
     * has (or there is none), or an Image manifest wants it and it is missing. Pulls run before container steps, each
     * image once per pass.
     */
    record PullImage(String image, String registryDigest, String cause) implements Step {
        @Override
        public String registryDigest() {
            return registryDigest;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitPullImage(this);
        }

        public Target target() {
            return Target.image(image);
        }

        /** Any failure to get the image holds: the backoff is per image, whatever the digest. */
        @Override
        public String gateHash() {
            return image;
        }

        @Override
        public String neededImage() {
            return image;
        }
    }

    /**
     * Remove an image hostlet pulled and nothing wants any more (opt-in garbage collection, see {@link ImageGc}): by
     * reference, without force, and only while the reference still names {@code imageId}.
     */
    record RemoveImage(String image, String imageId, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRemoveImage(this);
        }

        public Target target() {
            return Target.image(image);
        }

        /** A failed removal backs off for this image id; a pull backoff on the same reference is another matter. */
        @Override
        public String gateHash() {
            return imageId;
        }
    }

    /** A step whose success is a new container of {@link #container()}: what it acts on and needs follows from it. */
    sealed interface MakesContainer extends Step permits CreateContainer, RecreateContainer, StartBeside {
        /** The container it makes. */
        NewContainer container();

        @Override
        default Target target() {
            return Target.container(container().manifest().name());
        }

        default ContainerManifest manifest() {
            return container().manifest();
        }

        @Override
        default String gateHash() {
            return container().specHash();
        }

        @Override
        default List<Target> needs() {
            return container().networks();
        }

        @Override
        default String neededImage() {
            return container().manifest().spec().image();
        }

        @Override
        default boolean makesContainer() {
            return true;
        }
    }

    /** Create and start a container; a container that fails to start is removed again. */
    record CreateContainer(NewContainer container, String cause) implements MakesContainer {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCreateContainer(this);
        }
    }

    /**
     * Replace {@code oldId} by a container of the new spec without leaving the name unserved when the new one cannot
     * run. A fixed sequence with a fixed undo, decided here and not by the executor:
     * <ol>
     *   <li>get the image as {@link NewContainer#pull()} says and create the new container under
     *       {@code replacementName} ({@code <name>.next-<hash8>}, see {@link io.hostlet.observed.Ownership}), mounting
     *       the old one's anonymous volumes ({@link NewContainer#carriedVolumes()}). The old one is not touched yet:
     *       if this fails, the step fails and nothing else happens (the engine removes a half-made container);</li>
     *   <li>then the swap: stop the old (its grace), start the new, rename the old to {@link #retiredName()} and the
     *       new to the manifest's name, then remove the old (never its volumes): the name serves the new container
     *       without waiting for the old one's removal. Undo: if the old cannot be stopped or the new cannot be started,
     *       the new is removed and the old started again (same id), and the step fails with the reason.</li>
     * </ol>
     * A crash anywhere leaves a state the planner recognises on the next pass ({@link ResumeReplacement},
     * {@link AdoptReplacement}, or removing the replacement). {@code changed} names the spec fields that differ (env
     * by variable name, never by value; see {@link io.hostlet.manifest.SpecLabel}); empty when the spec did not
     * change (a new image digest).
     */
    record RecreateContainer(String oldId, Duration oldGrace, NewContainer container, String replacementName,
                             String cause, String rollbackTo, List<String> changed) implements MakesContainer {
        public RecreateContainer {
            changed = changed == null ? List.of() : List.copyOf(changed);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRecreateContainer(this);
        }

        /** An ungated recreate that changes no named field (e.g. a new image digest). */
        public RecreateContainer(String oldId, Duration oldGrace, NewContainer container, String replacementName,
                                 String cause) {
            this(oldId, oldGrace, container, replacementName, cause, null, List.of());
        }

        /** What the old container is called between the swap and its removal (see {@link Ownership#retiredName}). */
        public String retiredName() {
            return Ownership.retiredName(container.manifest().name(), oldId, replacementName);
        }

        /**
         * Whether the old container is kept (stopped, under {@link #retiredName()}) after the swap: the update is gated
         * ({@code rollbackTo}, the old one's spec hash, is set) and a failed gate starts the old one again.
         */
        public boolean keepOld() {
            return rollbackTo != null;
        }
    }

    /**
     * StartFirst: create the new container under {@code replacementName} and start it beside the old one, which is
     * not touched and keeps serving; the manifest's name is the new one's network alias from its create on. A new
     * container that will not start is removed again. Its gate decides later whether the two swap names
     * ({@link FinishUpdate}) or the new one goes ({@link RollBack}); {@code rollbackTo} is the old one's spec hash.
     */
    record StartBeside(NewContainer container, String replacementName, String oldId, String rollbackTo, String cause)
            implements MakesContainer {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStartBeside(this);
        }
    }

    /**
     * An update's new container passed its gate: the old one goes. Rename the old one ({@code oldId}, when there is
     * one) out of the way to {@code retireOldTo} when it still has the name, give the new one ({@code newId}, now
     * called {@code newName}) the manifest's name when it has not, then stop (with {@code oldGrace}) and remove the old
     * one. Renames first, so the name and its alias always answer. Before the renames, a StartFirst replacement (made
     * without the alias, so that no client reached it before its gate passed) gets the manifest's name as its alias on
     * each of {@code aliasNetworks}.
     *
     * <p>A running old one still answers to the name's alias after its rename (Docker keeps an endpoint's aliases
     * until it leaves the network). Before its stop it joins each of {@code oldNetworks} again without an alias, and
     * keeps its address, so no client resolves the name to it any more while what it already serves goes on; then it
     * serves for {@code drain} more, long enough for a TCP retransmit that crossed the rejoin, and only then stops. A
     * plain leave would drop the requests it was serving at that moment (measured: one in most updates).
     * Nothing to undo: each call leaves a state the next pass recognises.
     */
    record FinishUpdate(String name, String specHash, String newId, String newName, String oldId, Duration oldGrace,
                        String retireOldTo, String cause, List<String> aliasNetworks, List<String> oldNetworks,
                        Duration drain) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitFinishUpdate(this);
        }

        public FinishUpdate {
            aliasNetworks = aliasNetworks == null ? List.of() : List.copyOf(aliasNetworks);
            oldNetworks = oldNetworks == null ? List.of() : List.copyOf(oldNetworks);
            drain = drain == null ? Duration.ZERO : drain;
        }

        /** A finish that gives no network alias and leaves the old one's endpoints alone (StopFirst: it is stopped). */
        public FinishUpdate(String name, String specHash, String newId, String newName, String oldId, Duration oldGrace,
                            String retireOldTo, String cause) {
            this(name, specHash, newId, newName, oldId, oldGrace, retireOldTo, cause, List.of(), List.of(),
                    Duration.ZERO);
        }

        public Target target() {
            return Target.container(name);
        }

        @Override
        public String gateHash() {
            return specHash;
        }
    }

    /**
     * An update's new container failed its gate, and its manifest asks for rollback: stop (with {@code newGrace}) and
     * remove the new one ({@code newId}, when there is one), then give the old one ({@code oldId}) its name back when
     * {@code restoreOldFrom} (its current name) is set, and start it when {@code startOld}. The recorder then refuses
     * {@code failedHash} until the manifest changes or an operator asks ({@link Updates.Refusal}).
     */
    record RollBack(String name, String failedHash, String reason, String revision, String newId, Duration newGrace,
                    String oldId, String restoreOldFrom, boolean startOld, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRollBack(this);
        }

        public Target target() {
            return Target.container(name);
        }

        @Override
        public String gateHash() {
            return failedHash;
        }
    }

    /**
     * A note: the manifest's spec {@code failedHash} was rolled back and is not tried again until the manifest changes
     * or an operator asks for a retry; the container runs its previous spec. For status and events.
     */
    record RolledBack(Target target, String failedHash, String reason, Instant at, String revision) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRolledBack(this);
        }

        public String cause() {
            return "rolled back: " + reason;
        }

        @Override
        public boolean isAction() {
            return false;
        }
    }

    /**
     * Finish a replacement a crash interrupted after it was created and the old container stopped (or after the new
     * one started): the swap of {@link RecreateContainer}, with its undo. Stop {@code oldId} (already stopped is
     * fine), start {@code newId} (already running is fine), rename the old to {@link #retiredName()} and the new from
     * {@code replacementName} to {@code name}, remove the old (unless {@code keepOld}: a gated update keeps it,
     * stopped, until the gate is judged). Undo: if the old cannot be stopped or the new cannot be started, the new is
     * removed and the old started again.
     */
    record ResumeReplacement(String oldId, Duration oldGrace, String newId, String name, String replacementName,
                             String specHash, String image, String cause, boolean keepOld) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitResumeReplacement(this);
        }

        /** A resume whose old container is removed at its end (the update is not gated). */
        public ResumeReplacement(String oldId, Duration oldGrace, String newId, String name, String replacementName,
                                 String specHash, String image, String cause) {
            this(oldId, oldGrace, newId, name, replacementName, specHash, image, cause, false);
        }

        /** What the old container is called between the swap and its removal (see {@link Ownership#retiredName}). */
        public String retiredName() {
            return Ownership.retiredName(name, oldId, replacementName);
        }

        public Target target() {
            return Target.container(name);
        }

        @Override
        public String gateHash() {
            return specHash;
        }

        @Override
        public String neededImage() {
            return image;
        }

        @Override
        public boolean makesContainer() {
            return true;
        }
    }

    /**
     * Give a replacement whose old container is gone (a crash after removing it, before the rename) the manifest's
     * name: rename {@code id} from {@code replacementName} to {@code name}, then start it if {@code start} (it was
     * created and never started). Nothing to undo: a rename is atomic, and a container that will not start is then
     * an ordinary container of that name, which the next passes handle as any other.
     */
    record AdoptReplacement(String id, String name, String replacementName, boolean start, String specHash,
                            String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitAdoptReplacement(this);
        }

        public Target target() {
            return Target.container(name);
        }

        @Override
        public String gateHash() {
            return specHash;
        }
    }

    /** Start an existing container; {@code restart} when it had exited, which counts against its backoff. */
    record StartContainer(String id, String name, String specHash, boolean restart, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStartContainer(this);
        }

        public Target target() {
            return Target.container(name);
        }

        @Override
        public String gateHash() {
            return specHash;
        }

        @Override
        public boolean isRestart() {
            return restart;
        }
    }

    /**
     * Stop (with grace) and start a running container again: it is unhealthy and its manifest asks for
     * {@code restartOnUnhealthy}. Counts against its backoff like a restart after a crash.
     */
    record RestartContainer(String id, String name, Duration grace, String specHash, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRestartContainer(this);
        }

        public Target target() {
            return Target.container(name);
        }

        @Override
        public String gateHash() {
            return specHash;
        }

        @Override
        public boolean isRestart() {
            return true;
        }
    }

    /** Stop (with grace) a managed container and keep it: its manifest asks for {@code suspend: true}. */
    record StopContainer(String id, String name, Duration grace, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStopContainer(this);
        }

        public Target target() {
            return Target.container(name);
        }
    }

    /** Stop (with grace) and remove a managed container. */
    record RemoveContainer(String id, String name, Duration grace, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRemoveContainer(this);
        }

        public Target target() {
            return Target.container(name);
        }
    }

    /**
     * A removal the {@link PruneGuard} refused: the container stays as it is, and {@code cause} says why. A note,
     * like {@link Wait}; the next pass decides afresh.
     */
    record HoldRemoval(Target target, String cause) implements Step {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitHoldRemoval(this);
        }

        @Override
        public boolean isAction() {
            return false;
        }
    }

    /**
     * Nothing to do for now, for {@code reason}: the target is backing off until {@code until}, or (with {@code until}
     * null) it waits for other containers or steps, which engine events or the resync will show. Kept in the plan for
     * status and wake-up; {@code cause} says the same in words.
     */
    record Wait(Target target, Reason reason, Instant until, String cause) implements Step {
        /** Why a target waits; status and events tell waits apart by it, never by their cause's words. */
        public enum Reason {
            /** The target's own backoff after failures ({@code until} set). */
            BACKOFF,
            /** A new container waits while its image's pull is backing off ({@code until} set). */
            IMAGE_BACKOFF,
            /** A step of an earlier pass on the target, or on the image it needs, still runs. */
            IN_PROGRESS,
            /** An update's new container is being judged by its gate ({@code until}: the next look). */
            UPDATE_GATE,
            /** The container's {@code dependsOn} are not met yet. */
            DEPENDENCY,
            /** A removed manifest's container waits for the containers that depend on it to be removed first. */
            REMOVAL_ORDER,
            /** A bind mount of the container now leads to a path the policy refuses: held, not started. */
            BLOCKED_MOUNT;

            /** Whether it waits out a backoff after failures (until a time), rather than for something else. */
            public boolean backsOff() {
                return this == BACKOFF || this == IMAGE_BACKOFF;
            }
        }

        public Wait {
            java.util.Objects.requireNonNull(reason, "reason");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitWait(this);
        }

        @Override
        public boolean isAction() {
            return false;
        }
    }

    /**
     * One method per kind of step, for consumers that tell steps apart (the executor, recorder, status and events):
     * adding a kind adds a method here, and each consumer must then handle it to compile.
     *
     * @param <R> what the consumer makes of a step
     */
    interface Visitor<R> {
        R visitCreateNetwork(CreateNetwork s);

        R visitRemoveNetwork(RemoveNetwork s);

        R visitPullImage(PullImage s);

        R visitRemoveImage(RemoveImage s);

        R visitCreateContainer(CreateContainer s);

        R visitRecreateContainer(RecreateContainer s);

        R visitStartBeside(StartBeside s);

        R visitFinishUpdate(FinishUpdate s);

        R visitRollBack(RollBack s);

        R visitRolledBack(RolledBack s);

        R visitResumeReplacement(ResumeReplacement s);

        R visitAdoptReplacement(AdoptReplacement s);

        R visitStartContainer(StartContainer s);

        R visitRestartContainer(RestartContainer s);

        R visitStopContainer(StopContainer s);

        R visitRemoveContainer(RemoveContainer s);

        R visitHoldRemoval(HoldRemoval s);

        R visitWait(Wait s);
    }

    /**
     * A visitor for a question about a few kinds of step, where every other kind (a new one included) has the same
     * answer, {@link #otherwise}. The consumers that act on every kind (executor, recorder, status, events) implement
     * {@link Visitor} in full instead, so that a new kind makes them say what it means.
     *
     * @param <R> the answer
     */
    abstract class Partial<R> implements Visitor<R> {
        /** The answer for a kind this visitor does not name. */
        protected abstract R otherwise(Step s);

        @Override
        public R visitCreateNetwork(CreateNetwork s) {
            return otherwise(s);
        }

        @Override
        public R visitRemoveNetwork(RemoveNetwork s) {
            return otherwise(s);
        }

        @Override
        public R visitPullImage(PullImage s) {
            return otherwise(s);
        }

        @Override
        public R visitRemoveImage(RemoveImage s) {
            return otherwise(s);
        }

        @Override
        public R visitCreateContainer(CreateContainer s) {
            return otherwise(s);
        }

        @Override
        public R visitRecreateContainer(RecreateContainer s) {
            return otherwise(s);
        }

        @Override
        public R visitStartBeside(StartBeside s) {
            return otherwise(s);
        }

        @Override
        public R visitFinishUpdate(FinishUpdate s) {
            return otherwise(s);
        }

        @Override
        public R visitRollBack(RollBack s) {
            return otherwise(s);
        }

        @Override
        public R visitRolledBack(RolledBack s) {
            return otherwise(s);
        }

        @Override
        public R visitResumeReplacement(ResumeReplacement s) {
            return otherwise(s);
        }

        @Override
        public R visitAdoptReplacement(AdoptReplacement s) {
            return otherwise(s);
        }

        @Override
        public R visitStartContainer(StartContainer s) {
            return otherwise(s);
        }

        @Override
        public R visitRestartContainer(RestartContainer s) {
            return otherwise(s);
        }

        @Override
        public R visitStopContainer(StopContainer s) {
            return otherwise(s);
        }

        @Override
        public R visitRemoveContainer(RemoveContainer s) {
            return otherwise(s);
        }

        @Override
        public R visitHoldRemoval(HoldRemoval s) {
            return otherwise(s);
        }

        @Override
        public R visitWait(Wait s) {
            return otherwise(s);
        }
    }
}
