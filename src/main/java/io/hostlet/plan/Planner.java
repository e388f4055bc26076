package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.engine.Labels;
import io.hostlet.engine.ObservedContainer;
import io.hostlet.engine.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.SpecHash;

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
 * containers of this instance are ever in {@code observed}, so nothing else can be touched.
 */
public final class Planner {

    private Planner() {
    }

    /** The plan that moves {@code observed} towards {@code desired}. */
    public static Plan plan(DesiredState desired, ObservedState observed, Map<String, Backoff> backoffs, Instant now) {
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
                networkCreates.add(new Step.CreateNetwork(net, "not found"));
            }
        }

        Map<String, ContainerManifest> sortedDesired = new TreeMap<>(desired.containers());
        for (ContainerManifest m : sortedDesired.values()) {
            if (!desired.heldNames().contains(m.name())) {
                planContainer(m, byName.getOrDefault(m.name(), List.of()), containerSteps);
            }
        }

        Set<String> removedIds = new HashSet<>();
        if (desired.complete()) {
            for (Map.Entry<String, List<ObservedContainer>> e : byName.entrySet()) {
                String name = e.getKey();
                if (desired.containers().containsKey(name) || desired.heldNames().contains(name)) {
                    continue;
                }
                for (ObservedContainer c : e.getValue()) {
                    if (c.source() != null && desired.heldFiles().contains(c.source())) {
                        continue; // its file has errors: never delete because a file became invalid
                    }
                    containerSteps.add(new Step.RemoveContainer(c.id(), name, grace(c), "manifest removed"));
                    removedIds.add(c.id());
                }
            }
            Set<String> inUse = new HashSet<>(wantedNetworks);
            observed.containers().stream().filter(c -> !removedIds.contains(c.id())).forEach(c -> inUse.addAll(c.networks()));
            new TreeMap<>(observed.networks()).forEach((net, id) -> {
                if (!inUse.contains(net)) {
                    networkRemovals.add(new Step.RemoveNetwork(net, id, "no manifest uses it"));
                }
            });
        }

        containerSteps.sort(Comparator.comparing(Step::target));
        List<Step> all = new ArrayList<>(networkCreates);
        all.addAll(containerSteps);
        all.addAll(networkRemovals);
        return new Plan(all.stream().map(s -> gate(s, backoffs, now)).toList());
    }

    /** A step whose target is backing off becomes a {@link Step.Wait}; everything is gated the same way. */
    private static Step gate(Step s, Map<String, Backoff> backoffs, Instant now) {
        Backoff b = backoffs.get(s.target());
        return b != null && b.holds(s.gateHash(), now) ? new Step.Wait(s.target(), b.notBefore(), b.reason()) : s;
    }

    private static void planContainer(ContainerManifest m, List<ObservedContainer> found, List<Step> out) {
        String hash = SpecHash.of(m);
        ObservedContainer keep = pickKeeper(found, hash);
        for (ObservedContainer extra : found) {
            if (extra != keep) {
                out.add(new Step.RemoveContainer(extra.id(), m.name(), grace(extra), "duplicate of " + shortId(keep.id())));
            }
        }
        Step step;
        if (keep == null) {
            step = new Step.CreateContainer(m, hash, "not found");
        } else if (!hash.equals(keep.specHash())) {
            List<String> changed = SpecHash.changedFields(m, keep.labels().get(Labels.SPEC));
            step = new Step.RecreateContainer(keep.id(), grace(keep), m, hash, "spec changed: " + String.join(", ", changed));
        } else {
            step = switch (keep.state()) {
                case CREATED -> new Step.StartContainer(keep.id(), m.name(), hash, false, "created but not started");
                case EXITED, DEAD -> {
                    int code = keep.exitCode() == null ? -1 : keep.exitCode();
                    yield m.spec().restartPolicy().restarts(code)
                            ? new Step.StartContainer(keep.id(), m.name(), hash, true,
                                    "exited with code " + code + ", restartPolicy " + m.spec().restartPolicy())
                            : null;
                }
                default -> null; // running, paused, restarting (the engine's own policy is at work), removing
            };
        }
        if (step != null) {
            out.add(step);
        }
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

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
