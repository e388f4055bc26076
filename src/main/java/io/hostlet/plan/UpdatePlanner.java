package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.Ownership;

import java.time.Instant;
import java.util.List;

/**
 * The update family: an update with rollback on is judged by its {@link UpdateGate} once its new container runs
 * under a settled name, then finished or rolled back; a spec refused by a rollback is noted, not tried again. Which
 * update to make is the {@link ReplacementPlanner}'s. Pure.
 */
final class UpdatePlanner {

    /** How the cause of a {@link Step.Wait} for an update's health gate begins. */
    static final String GATE = "update gate: ";

    private UpdatePlanner() {
    }

    /**
     * The update of this very spec in progress, with rollback on; null when none. Its old container is the rollback,
     * never a leftover to remove. An update of another spec (the manifest changed again) is not judged any more.
     */
    static Updates.InProgress gated(Occupants o, Updates updates) {
        Updates.InProgress u = updates.inProgress().get(o.name());
        return u != null && u.newHash().equals(o.hash()) && o.manifest().spec().update().rollback() ? u : null;
    }

    /** The refusal of this very spec after a rollback; null when it is not refused. */
    static Updates.Refusal refusal(Occupants o, Updates updates) {
        Updates.Refusal r = updates.refused().get(o.name());
        return r != null && r.failedHash().equals(o.hash()) ? r : null;
    }

    /**
     * The note that the refused spec was rolled back while {@code keep}, of the previous spec, keeps running and is
     * looked after as usual; null when nothing is refused or {@code keep} is not of another spec. The refused spec
     * waits for a changed manifest or a retry.
     */
    static Step rolledBack(Occupants o, ObservedContainer keep, Updates.Refusal refusal) {
        if (refusal == null || keep == null || o.current(keep)) {
            return null;
        }
        return new Step.RolledBack(Target.container(o.name()), refusal.failedHash(), refusal.reason(), refusal.at(),
                refusal.revision());
    }

    /**
     * The gate of {@code u}, an update in progress, once its new container runs under a settled name:
     * {@link Step.FinishUpdate} when it passed, {@link Step.RollBack} when it failed, a {@link Step.Wait} until it is
     * decided; null while the new container is not there to judge (a crash mid-swap, or before it was made), which
     * the {@link ReplacementPlanner} handles.
     */
    static Step judge(Occupants o, Updates.InProgress u, Updates updates, Instant now) {
        ObservedContainer old = o.found().stream().filter(c -> c.id().equals(u.oldId())).findFirst().orElse(null);
        ObservedContainer fresh = fresh(o, old);
        if (fresh == null) {
            return null;
        }
        ContainerManifest m = o.manifest();
        int restarts = updates.engineRestarts().getOrDefault(fresh.id(), 0);
        UpdateGate.Verdict v = UpdateGate.judge(fresh, m.spec(), u, restarts, now);
        if (v instanceof UpdateGate.Pending p) {
            return new Step.Wait(Target.container(m.name()), Step.Wait.Reason.UPDATE_GATE, p.until(), GATE + "waiting for "
                    + p.waitingFor() + " (until " + u.clock().plus(m.spec().update().progressDeadline()) + ")");
        }
        if (v instanceof UpdateGate.Pass pass) {
            return finish(o, fresh, old, pass);
        }
        return rollBack(o, fresh, old, u, ((UpdateGate.Fail) v).reason());
    }

    /** The update's new container, once it runs under a settled name beside (or instead of) {@code old}; else null. */
    private static ObservedContainer fresh(Occupants o, ObservedContainer old) {
        ObservedContainer real = o.real();
        ObservedContainer next = o.next();
        if (real != null && o.current(real) && real != old) {
            return real; // StopFirst after its swap (or StartFirst after its renames)
        }
        if (next != null && old != null && old == real && old.state() == ObservedContainer.State.RUNNING
                && next.state() != ObservedContainer.State.CREATED) {
            return next; // StartFirst: the new one runs beside the old one, which still has the name
        }
        return null;
    }

    private static Step finish(Occupants o, ObservedContainer fresh, ObservedContainer old, UpdateGate.Pass pass) {
        ContainerManifest m = o.manifest();
        boolean oldHasName = old != null && old.name().equals(m.name());
        return new Step.FinishUpdate(m.name(), o.hash(), fresh.id(), fresh.name(), old == null ? null : old.id(),
                old == null ? null : StopGrace.of(old),
                oldHasName ? Ownership.retiredName(m.name(), old.id(), fresh.name()) : null,
                "update passed its gate (" + pass.why() + ")" + (old == null ? "" : ": the old container goes"),
                fresh.name().equals(m.name()) ? List.of() : m.spec().networks(), aliasedNetworks(old),
                Updates.DRAIN);
    }

    private static Step rollBack(Occupants o, ObservedContainer fresh, ObservedContainer old, Updates.InProgress u,
                                 String reason) {
        boolean oldHasName = old != null && old.name().equals(o.name());
        return new Step.RollBack(o.name(), o.hash(), reason, fresh.labels().get(Labels.REVISION), fresh.id(),
                StopGrace.of(fresh), old == null ? null : old.id(), old == null || oldHasName ? null : old.name(),
                old != null && old.state() != ObservedContainer.State.RUNNING,
                "update failed its gate (" + reason + "): "
                        + (old == null ? "the old container is gone; the new one is removed"
                        : "back to the old container (spec " + Abbrev.hash(u.previousHash()) + ")"));
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
}
