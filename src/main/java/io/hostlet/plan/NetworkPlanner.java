package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ObservedState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The networks family: the networks manifests name are created before any container joins them, and one of hostlet's
 * networks that nothing uses any more is removed after the containers that used it. Pure.
 */
final class NetworkPlanner {

    private NetworkPlanner() {
    }

    /** The networks the desired containers join, sorted. */
    static Set<String> wanted(DesiredState desired) {
        Set<String> wanted = new TreeSet<>();
        desired.containers().values().forEach(m -> wanted.addAll(m.spec().networks()));
        return wanted;
    }

    /** A create for each network of {@code wanted} the engine does not have, by name. */
    static List<Step> creates(Set<String> wanted, ObservedState observed, Origin origin) {
        List<Step> creates = new ArrayList<>();
        for (String net : wanted) {
            if (!observed.networks().containsKey(net)) {
                creates.add(new Step.CreateNetwork(net, CreateLabels.network(origin), "not found"));
            }
        }
        return creates;
    }

    /**
     * A removal for each of hostlet's networks that no manifest wants and no container uses once the containers of
     * {@code removedIds} are gone, by name. A container that carries our labels under another name (never touched,
     * see {@link ObservedState#foreignCopies()}) keeps it too.
     */
    static List<Step> removals(Set<String> wanted, ObservedState observed, Set<String> removedIds) {
        Set<String> inUse = new HashSet<>(wanted);
        observed.containers().stream().filter(c -> !removedIds.contains(c.id())).forEach(c -> inUse.addAll(c.networks()));
        observed.foreignCopies().forEach(c -> inUse.addAll(c.networks())); // not ours, but it uses the network
        List<Step> removals = new ArrayList<>();
        new TreeMap<>(observed.networks()).forEach((net, id) -> {
            if (!inUse.contains(net)) {
                removals.add(new Step.RemoveNetwork(net, id, "no manifest uses it"));
            }
        });
        return removals;
    }
}
