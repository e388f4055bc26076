package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.observed.Ownership;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.Dependency;
import io.hostlet.manifest.ImageRefs;
import io.hostlet.manifest.LabelKey;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.manifest.SpecHash;
import io.hostlet.manifest.SpecLabel;
import io.hostlet.manifest.UpdatePolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides what to do: a pure function of (desired, observed, backoffs, now) with no I/O, so every
 * decision can be table-tested without an engine.
 *
 * <p>Safety rules live here, in one place: nothing is removed while the desired state is incomplete; a
 * container whose manifest file has errors, or whose name two manifests claim, is left alone; only
 * containers of this instance, named as their labels claim, are ever in {@code observed.containers()} (see
 * {@link io.hostlet.observed.Ownership}), so nothing else can be touched. Images are removed only
 * under the rules of {@link ImageGc}.
 */
public final class Planner {

    /** How the cause of a {@link Step.Wait} for a step in flight begins. */
    static final String IN_PROGRESS = "in progress: ";

    /** How the cause of a {@link Step.Wait} for an update's health gate begins (see {@link UpdateGate}). */
    static final String GATE = "update gate: ";

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
        Plan decided = decide(in.desired(), in.observed(), in.backoffs(), in.inFlight(), in.updates(), in.now(), in.gc(),
                in.origin());
        // The guard judges the plan's removals as a whole, after they are decided: kept apart from the decisions.
        return in.guard() == null ? decided : in.guard().apply(decided, in.desired(), in.observed());
    }

    private static Plan decide(DesiredState desired, ObservedState observed, Map<Target, Backoff> backoffs,
                               Map<Target, Step> inFlight, Updates updates, Instant now, ImageGc gc, Origin origin) {
        List<Step> networkCreates = new ArrayList<>();
        List<Step> containerSteps = new ArrayList<>();
        List<Step> networkRemovals = new ArrayList<>();

        Map<String, List<ObservedContainer>> byName = new TreeMap<>();
        for (ObservedContainer c : observed.containers()) {
            String name = c.managedName() == null ? c.name() : c.managedName();
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
        }

        Set<String> wantedNetworks = new TreeSet<>();
        desired.containers().values().forEach(m -> wantedNetworks.addAll(m.spec().networks()));
        for (String net : wantedNetworks) {
            if (!observed.networks().containsKey(net)) {
                networkCreates.add(new Step.CreateNetwork(net, CreateLabels.network(origin), "not found"));
            }
        }

        // Images with pull policy Always whose registry digest moved (checked once per resync, see ImageCheck), then
        // images that Image manifests keep present. One pull per reference, whoever wants it.
        Map<String, Step> pullsByImage = new TreeMap<>();
        Set<String> always = new TreeSet<>();
        desired.containers().values().stream()
                .filter(m -> !desired.heldNames().contains(m.name()))
                .filter(m -> m.spec().imagePullPolicy() == PullPolicy.Always)
                .forEach(m -> always.add(m.spec().image()));
        desired.images().values().stream()
                .filter(m -> !desired.heldImages().contains(m.name()))
                .filter(m -> m.imagePullPolicy() == PullPolicy.Always)
                .forEach(m -> always.add(m.image()));
        for (String image : always) {
            ImageCheck check = observed.images().get(image);
            if (check != null && !check.current()) {
                pullsByImage.put(image, new Step.PullImage(image, check.registryDigest(), check.localId() == null
                        ? "not present; the registry has " + shortDigest(check.registryDigest())
                        : "the registry's digest moved to " + shortDigest(check.registryDigest())));
            }
        }
        if (observed.localImages() != null) {
            new TreeMap<>(desired.images()).values().stream()
                    .filter(m -> !desired.heldImages().contains(m.name()))
                    .filter(m -> m.imagePullPolicy() != PullPolicy.Never) // Never: only reported, see status
                    .filter(m -> observed.localImages().idOf(m.image()) == null)
                    .filter(m -> pullsByImage.keySet().stream().noneMatch(ref -> ImageRefs.familiar(ref)
                            .equals(ImageRefs.familiar(m.image())))) // one image spelled two ways is one pull
                    .forEach(m -> pullsByImage.putIfAbsent(m.image(), new Step.PullImage(m.image(), null,
                            "not present; Image " + m.name() + " keeps it (imagePullPolicy " + m.imagePullPolicy() + ")")));
        }
        List<Step> pulls = new ArrayList<>(pullsByImage.values());

        // Containers whose binds now lead through a planted symlink to a refused path: stopped and held, not removed.
        Map<String, String> blocked = new TreeMap<>();
        byName.forEach((name, cs) -> cs.stream().map(c -> observed.blockedMounts().get(c.id()))
                .filter(java.util.Objects::nonNull).findFirst().ifPresent(why -> blocked.put(name, why)));
        Map<String, ContainerManifest> sortedDesired = new TreeMap<>(desired.containers());
        for (ContainerManifest m : sortedDesired.values()) {
            if (!desired.heldNames().contains(m.name()) && !blocked.containsKey(m.name())) {
                planContainer(m, byName.getOrDefault(m.name(), List.of()), containerSteps, desired, byName,
                        observed.images().get(m.spec().image()), origin, updates, now);
            }
        }

        Set<String> removedIds = new HashSet<>();
        if (desired.complete()) {
            Map<String, List<ObservedContainer>> removals = new TreeMap<>();
            for (Map.Entry<String, List<ObservedContainer>> e : byName.entrySet()) {
                String name = e.getKey();
                if (desired.containers().containsKey(name) || desired.heldNames().contains(name)) {
                    continue;
                }
                for (ObservedContainer c : e.getValue()) {
                    if (c.source() != null && desired.heldFiles().contains(c.source())) {
                        continue; // its file has errors: never delete because a file became invalid
                    }
                    removals.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
                }
            }
            removals.forEach((name, cs) -> {
                // Reverse start order: a container goes only after those being removed that depend on it.
                // Level-based: once they are gone (the next pass sees it), nothing holds it any more.
                List<String> dependents = new ArrayList<>(new TreeSet<>(removals.entrySet().stream()
                        .filter(r -> !r.getKey().equals(name))
                        .filter(r -> r.getValue().stream().anyMatch(d -> d.dependsOn().contains(name)))
                        .map(Map.Entry::getKey).toList()));
                for (ObservedContainer c : cs) {
                    if (dependents.isEmpty()) {
                        containerSteps.add(new Step.RemoveContainer(c.id(), name, grace(c), "manifest removed"));
                        removedIds.add(c.id());
                    } else {
                        containerSteps.add(new Step.Wait(Target.container(name), Step.Wait.Reason.REMOVAL_ORDER, null,
                                "manifest removed; waiting for "
                                + String.join(", ", dependents) + " (which depend on it) to be removed first"));
                    }
                }
            });
            Set<String> inUse = new HashSet<>(wantedNetworks);
            observed.containers().stream().filter(c -> !removedIds.contains(c.id())).forEach(c -> inUse.addAll(c.networks()));
            observed.foreignCopies().forEach(c -> inUse.addAll(c.networks())); // not ours, but it uses the network
            new TreeMap<>(observed.networks()).forEach((net, id) -> {
                if (!inUse.contains(net)) {
                    networkRemovals.add(new Step.RemoveNetwork(net, id, "no manifest uses it"));
                }
            });
        }

        Set<Target> removing = new HashSet<>();
        containerSteps.forEach(st -> removing.add(st.target()));
        blocked.forEach((name, why) -> {
            if (!removing.contains(Target.container(name))) {
                containerSteps.addAll(holdBlocked(name, byName.get(name), why));
            }
        });

        containerSteps.sort(Comparator.comparing(s -> s.target().toString()));
        // Conservative: a removal must not race a create that is still running, so removals wait for a quiet moment.
        boolean quiet = inFlight.isEmpty();
        return Plan.of(
                phase(Plan.Kind.CREATE_NETWORKS, networkCreates, backoffs, inFlight, now),
                phase(Plan.Kind.PULL_IMAGES, pulls, backoffs, inFlight, now),
                phase(Plan.Kind.CONTAINERS, containerSteps, backoffs, inFlight, now),
                phase(Plan.Kind.REMOVE_IMAGES, quiet ? gc.removals(desired, observed, now) : List.of(), backoffs,
                        inFlight, now),
                phase(Plan.Kind.REMOVE_NETWORKS, quiet ? networkRemovals : List.of(), backoffs, inFlight, now));
    }

    private static Plan.Phase phase(Plan.Kind kind, List<Step> steps, Map<Target, Backoff> backoffs,
                                    Map<Target, Step> inFlight, Instant now) {
        // A rolled-back note is a fact for status, not something to try: no backoff or step in flight turns it into a wait.
        return new Plan.Phase(kind, steps.stream()
                .map(s -> s instanceof Step.RolledBack ? s : gate(s, backoffs, inFlight, now)).toList());
    }

    /**
     * A step whose target has a step in flight, or that needs an image a step in flight fetches, or whose target is
     * backing off, becomes a {@link Step.Wait}; everything is gated the same way.
     */
    private static Step gate(Step s, Map<Target, Backoff> backoffs, Map<Target, Step> inFlight, Instant now) {
        Step running = inFlight.get(s.target());
        if (running == null && s.neededImage() != null) {
            // one pull per image at a time: a create (which may pull) waits for a pull of its image, and vice versa
            running = inFlight.values().stream().filter(f -> s.neededImage().equals(f.neededImage())).findFirst()
                    .orElse(null);
        }
        if (running != null) {
            return new Step.Wait(s.target(), Step.Wait.Reason.IN_PROGRESS, null, waitCause(running));
        }
        Backoff b = backoffs.get(s.target());
        if (b != null && b.holds(s.gateHash(), now)) {
            return new Step.Wait(s.target(), Step.Wait.Reason.BACKOFF, b.notBefore(), b.reason());
        }
        // A container that needs a new container waits while its image is backing off: one failing pull per image.
        Backoff ib = !s.makesContainer() ? null : backoffs.get(Target.image(s.neededImage()));
        if (ib != null && now.isBefore(ib.notBefore())) {
            return new Step.Wait(s.target(), Step.Wait.Reason.IMAGE_BACKOFF, ib.notBefore(), ib.reason());
        }
        return s;
    }

    /**
     * A container whose bind mounts now reach a refused path: the engine would mount that at its next start (its own
     * restart policy included), so a running one is stopped; one not running is held. Never removed, never started,
     * never recreated while it lasts; status shows why.
     */
    private static List<Step> holdBlocked(String name, List<ObservedContainer> found, String why) {
        List<Step> out = new ArrayList<>();
        for (ObservedContainer c : found) {
            if (c.state() == ObservedContainer.State.RUNNING || c.state() == ObservedContainer.State.PAUSED
                    || c.state() == ObservedContainer.State.RESTARTING) {
                out.add(new Step.StopContainer(c.id(), name, grace(c), "stopped, not removed: " + why));
                return out; // one step per target; the next pass sees the others
            }
        }
        out.add(new Step.Wait(Target.container(name), Step.Wait.Reason.BLOCKED_MOUNT, null, "held, not started: " + why));
        return out;
    }

    private static void planContainer(ContainerManifest m, List<ObservedContainer> found, List<Step> out,
                                      DesiredState desired, Map<String, List<ObservedContainer>> observed,
                                      ImageCheck image, Origin origin, Updates updates, Instant now) {
        if (m.spec().suspend()) {
            // Suspended: stopped and kept as it is. No create, recreate, start or cleanup of replacements: all of
            // that waits until suspend is lifted, when the next pass plans the container as usual.
            found.stream()
                    .filter(c -> c.state() == ObservedContainer.State.RUNNING || c.state() == ObservedContainer.State.PAUSED
                            || c.state() == ObservedContainer.State.RESTARTING)
                    .forEach(c -> out.add(new Step.StopContainer(c.id(), m.name(), grace(c), "suspended")));
            return;
        }
        String hash = SpecHash.of(m);
        String nextName = Ownership.replacementName(m.name(), hash.substring(0, 8));
        // Docker names are unique: at most one container has the real name; the others are replacements hostlet made
        // ("<name>.next-<hash8>", see Ownership), left by a crash or in the middle of being swapped in.
        ObservedContainer real = found.stream().filter(c -> c.name().equals(m.name())).findFirst().orElse(null);
        List<ObservedContainer> replacements = found.stream().filter(c -> c != real).toList();
        ObservedContainer next = replacements.stream()
                .filter(c -> c.name().equals(nextName) && hash.equals(c.specHash())).findFirst().orElse(null);
        UpdatePolicy policy = m.spec().update();
        // An update of this very spec in progress: its old container is the rollback, never a leftover to remove.
        Updates.InProgress update = updates.inProgress().get(m.name());
        if (update != null && !(update.newHash().equals(hash) && policy.rollback())) {
            update = null;
        }
        if (update != null) {
            Step judged = judgeUpdate(m, hash, real, next, found, update, updates, now);
            if (judged != null) {
                out.add(judged);
                return;
            }
        }
        String rollbackOldId = update == null ? null : update.oldId();
        Updates.Refusal refusal = updates.refused().get(m.name());
        boolean refused = refusal != null && refusal.failedHash().equals(hash);
        ObservedContainer keep;
        Step step = null;
        if (real == null) {
            // (c) the old container is gone: the replacement for this spec, else the best of the others, takes the
            // name, and is started if it never was. One made for another spec (the manifest changed again) takes the
            // name without starting; the next pass replaces it like any old container, carrying its volumes over.
            keep = next != null ? next : pickKeeper(replacements, hash);
            if (keep != null) {
                boolean current = hash.equals(keep.specHash());
                step = new Step.AdoptReplacement(keep.id(), m.name(), keep.name(),
                        current && keep.state() == ObservedContainer.State.CREATED, hash,
                        "replacement " + keep.name() + " left without its old container: takes the name"
                                + (current ? "" : " (made for another spec; replaced next)"));
            }
        } else {
            keep = real;
            if (next != null && !hash.equals(real.specHash())) {
                if (real.state() == ObservedContainer.State.RUNNING && next.state() == ObservedContainer.State.CREATED) {
                    // (a) a crash before the swap began: the old one still serves. The replacement may be half-made (a
                    // crash between its create and joining its further networks), so it is made afresh below.
                    out.add(new Step.RemoveContainer(next.id(), m.name(), grace(next),
                            "unfinished replacement " + next.name() + " (never started): made afresh"));
                } else {
                    // (b) a crash during the swap: the old one was stopped (or the new one started); go on with it.
                    step = new Step.ResumeReplacement(real.id(), grace(real), next.id(), m.name(), next.name(), hash,
                            m.spec().image(), "replacement " + next.name() + " interrupted mid-swap: finished",
                            update != null); // gated: the old one stays (stopped) until the gate is judged
                }
            } else {
                next = null; // the real one already has this spec: a replacement beside it is a duplicate
            }
        }
        for (ObservedContainer extra : replacements) {
            if (extra != keep && extra != next && !extra.id().equals(rollbackOldId)) {
                // (d) a replacement for another spec, or a duplicate: hostlet's own by its name, never two.
                out.add(new Step.RemoveContainer(extra.id(), m.name(), grace(extra), hash.equals(extra.specHash())
                        ? "duplicate of " + shortId(keep.id())
                        : "leftover replacement " + extra.name() + " for another spec"));
            }
        }
        if (refused && keep != null && !hash.equals(keep.specHash())) {
            // Rolled back: the previous spec keeps running and is looked after as usual; the refused one waits for a
            // changed manifest or a retry.
            out.add(new Step.RolledBack(Target.container(m.name()), refusal.failedHash(), refusal.reason(),
                    refusal.at(), refusal.revision()));
        }
        if (step != null) {
            // a replacement in progress is finished first; what else the container needs, the next pass sees
        } else if (keep == null) {
            step = new Step.CreateContainer(newContainer(m, hash, origin, null), "not found");
        } else if (!hash.equals(keep.specHash()) && !refused) {
            List<String> changed = SpecLabel.changes(m, keep.labels().get(Labels.SPEC), origin.labelKey());
            step = replace(m, hash, keep, nextName, origin, "spec changed: " + String.join(", ", changed), changed);
        } else if (m.spec().imagePullPolicy() == PullPolicy.Always && image != null && image.current()
                && keep.imageId() != null && !keep.imageId().equals(image.localId()) && !refused) {
            step = replace(m, hash, keep, nextName, origin,
                    "image " + m.spec().image() + " updated to " + shortDigest(image.registryDigest()), List.of());
        } else {
            step = switch (keep.state()) {
                case CREATED -> new Step.StartContainer(keep.id(), m.name(), keptHash(keep, hash), false,
                        "created but not started");
                case EXITED, DEAD -> {
                    int code = keep.exitCode() == null ? -1 : keep.exitCode();
                    yield m.spec().restartPolicy().restarts(code)
                            ? new Step.StartContainer(keep.id(), m.name(), keptHash(keep, hash), true,
                                    "exited with code " + code + ", restartPolicy " + m.spec().restartPolicy())
                            : null;
                }
                case RUNNING -> keep.health() == ObservedContainer.Health.UNHEALTHY && m.spec().restartOnUnhealthy()
                        ? new Step.RestartContainer(keep.id(), m.name(), grace(keep), keptHash(keep, hash),
                                "unhealthy, restartOnUnhealthy")
                        : null;
                default -> null; // paused, restarting (the engine's own policy is at work), removing
            };
        }
        if (step != null && !(step instanceof Step.RestartContainer)
                && !(step instanceof Step.AdoptReplacement a && !a.start())) { // a rename alone starts nothing
            List<String> unmet = m.spec().dependsOn().stream()
                    .filter(d -> !satisfied(d, desired.containers().get(d.name()), observed.getOrDefault(d.name(), List.of())))
                    .map(Dependency::describe).toList();
            if (!unmet.isEmpty()) {
                // No timer: the dependency's start, health_status or die event asks for the next pass.
                step = new Step.Wait(step.target(), Step.Wait.Reason.DEPENDENCY, null,
                        "waiting for " + String.join(", ", unmet));
            }
        }
        if (step != null) {
            out.add(step);
        }
    }

    /**
     * The step that replaces {@code old} by a container of {@code m}: with rollback on, gated (StopFirst keeps the old
     * one stopped beside the new one, StartFirst starts the new one beside the running old one); without, today's
     * recreate, which removes the old one at the end of its swap.
     */
    private static Step replace(ContainerManifest m, String hash, ObservedContainer old, String nextName, Origin origin,
                                String cause, List<String> changed) {
        UpdatePolicy policy = m.spec().update();
        Step.NewContainer made = newContainer(m, hash, origin, old);
        String rollbackTo = policy.rollback() ? (old.specHash() == null ? "" : old.specHash()) : null;
        if (policy.strategy() == UpdatePolicy.Strategy.StartFirst && old.state() == ObservedContainer.State.RUNNING) {
            // Beside a stopped old one there is nothing to keep serving: StopFirst's swap is as good and simpler.
            return new Step.StartBeside(made, nextName, old.id(), rollbackTo == null ? "" : rollbackTo,
                    cause + " (StartFirst)");
        }
        return new Step.RecreateContainer(old.id(), grace(old), made, nextName, cause, rollbackTo, changed);
    }

    /**
     * The networks on which {@code old}, when it runs, answers to the name's alias and so must join again without it
     * before its stop: every network it is on but Docker's own, where no container has aliases.
     */
    private static List<String> aliasedNetworks(ObservedContainer old) {
        if (old == null || old.state() != ObservedContainer.State.RUNNING) {
            return List.of();
        }
        return old.networks().stream().filter(n -> !ContainerSpec.RESERVED_NETWORKS.contains(n)).toList();
    }

    /**
     * The gate of {@code u}, an update to {@code hash} in progress, once its new container runs under a settled name:
     * {@link Step.FinishUpdate} when it passed, {@link Step.RollBack} when it failed, a {@link Step.Wait} until it is
     * decided; null while the new container is not there to judge (a crash mid-swap, or before it was made), which the
     * replacement rules below handle.
     */
    private static Step judgeUpdate(ContainerManifest m, String hash, ObservedContainer real, ObservedContainer next,
                                    List<ObservedContainer> found, Updates.InProgress u, Updates updates, Instant now) {
        ObservedContainer old = found.stream().filter(c -> c.id().equals(u.oldId())).findFirst().orElse(null);
        ObservedContainer fresh;
        if (real != null && hash.equals(real.specHash()) && real != old) {
            fresh = real; // StopFirst after its swap (or StartFirst after its renames)
        } else if (next != null && old != null && old == real && old.state() == ObservedContainer.State.RUNNING
                && next.state() != ObservedContainer.State.CREATED) {
            fresh = next; // StartFirst: the new one runs beside the old one, which still has the name
        } else {
            return null;
        }
        Target t = Target.container(m.name());
        int restarts = updates.engineRestarts().getOrDefault(fresh.id(), 0);
        UpdateGate.Verdict v = UpdateGate.judge(fresh, m.spec(), u, restarts, now);
        if (v instanceof UpdateGate.Pending p) {
            return new Step.Wait(t, Step.Wait.Reason.UPDATE_GATE, p.until(), GATE + "waiting for " + p.waitingFor() + " (until "
                    + u.clock().plus(m.spec().update().progressDeadline()) + ")");
        }
        boolean oldHasName = old != null && old.name().equals(m.name());
        if (v instanceof UpdateGate.Pass pass) {
            return new Step.FinishUpdate(m.name(), hash, fresh.id(), fresh.name(), old == null ? null : old.id(),
                    old == null ? null : grace(old),
                    oldHasName ? Ownership.retiredName(m.name(), old.id(), fresh.name()) : null,
                    "update passed its gate (" + pass.why() + ")" + (old == null ? "" : ": the old container goes"),
                    fresh.name().equals(m.name()) ? List.of() : m.spec().networks(), aliasedNetworks(old),
                    Updates.DRAIN);
        }
        String reason = ((UpdateGate.Fail) v).reason();
        return new Step.RollBack(m.name(), hash, reason, fresh.labels().get(Labels.REVISION), fresh.id(), grace(fresh),
                old == null ? null : old.id(), old == null || oldHasName ? null : old.name(),
                old != null && old.state() != ObservedContainer.State.RUNNING,
                "update failed its gate (" + reason + "): "
                        + (old == null ? "the old container is gone; the new one is removed"
                        : "back to the old container (spec " + shortHash(u.previousHash()) + ")"));
    }

    /** The spec hash a kept container runs: its own label, which differs from the desired one after a rollback. */
    private static String keptHash(ObservedContainer keep, String desiredHash) {
        return keep.specHash() == null ? desiredHash : keep.specHash();
    }

    private static String shortHash(String h) {
        return h == null ? "?" : h.length() > 12 ? h.substring(0, 12) : h;
    }

    /** What creating {@code m} takes; {@code replaced} is the container it replaces, whose anonymous volumes it keeps. */
    private static Step.NewContainer newContainer(ContainerManifest m, String hash, Origin origin,
                                                  ObservedContainer replaced) {
        PullMode pull = switch (m.spec().imagePullPolicy()) {
            case Always -> PullMode.FIRST;
            case IfNotPresent -> PullMode.IF_MISSING;
            case Never -> PullMode.NEVER;
        };
        return new Step.NewContainer(m, hash, CreateLabels.container(m, hash, origin), pull,
                m.spec().networks().stream().map(Target::network).toList(),
                replaced == null ? List.of() : VolumeCarryOver.carried(replaced, m));
    }

    /** Whether {@code d} holds in the observed state; {@code target} is the dependency's manifest, if any. */
    static boolean satisfied(Dependency d, ContainerManifest target, List<ObservedContainer> found) {
        return found.stream().anyMatch(c -> switch (d.condition()) {
            case started -> c.state() == ObservedContainer.State.RUNNING;
            case healthy -> c.state() == ObservedContainer.State.RUNNING
                    && (c.health() == ObservedContainer.Health.HEALTHY
                        || c.health() == ObservedContainer.Health.NONE && (target == null || target.spec().healthcheck() == null));
            case completed -> c.state() == ObservedContainer.State.EXITED && c.exitCode() != null && c.exitCode() == 0;
        });
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

    /** The grace period the container was created with, from its label; the default when absent. */
    static Duration grace(ObservedContainer c) {
        String s = c.labels().get(Labels.STOP_GRACE);
        try {
            return s == null ? ContainerSpec.DEFAULT_STOP_GRACE : Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return ContainerSpec.DEFAULT_STOP_GRACE;
        }
    }

    /** The cause of a wait for {@code running}, e.g. {@code in progress: PullImage busybox:1 (not present)}. */
    static String waitCause(Step running) {
        String what = running.target().kind() == Target.Kind.container ? running.action()
                : running.action() + " " + running.target().name();
        return IN_PROGRESS + what + " (" + running.cause() + ")";
    }

    private static String shortDigest(String digest) {
        return digest == null ? "?" : digest.length() > 19 ? digest.substring(0, 19) : digest;
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
