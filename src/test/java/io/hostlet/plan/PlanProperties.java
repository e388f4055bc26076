package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedContainer.Health;
import io.hostlet.observed.ObservedContainer.State;
import io.hostlet.plan.PlannerTest.World;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every planner table row must also satisfy, whatever its expected plan:
 * <ul>
 *   <li><b>pure</b>: planning the same inputs twice gives equal plans, and planning changes none of its inputs;</li>
 *   <li><b>idempotent</b>: once the engine looks as the plan's steps leave it (and, when a step's effect enables the
 *   next one, as that leaves it, and so on), planning again asks for nothing; and no target is acted on twice on the
 *   way, so a plan never redoes or undoes what an earlier one did.</li>
 * </ul>
 * The engine is simulated as the executor would leave it ({@link #apply}): containers created, recreated, started or
 * restarted run (health {@code starting} when they have a health check, as the engine reports it at first),
 * removed ones are gone, networks exist or not, pulled images are present and current.
 */
final class PlanProperties {

    /** Enough for any row: start order needs one round per dependency level. */
    private static final int MOST_ROUNDS = 5;

    private PlanProperties() {
    }

    /**
     * @param inputs a value snapshot of everything the planner reads (compared with {@code equals})
     * @param plan   plans the current inputs
     * @param engine applies a plan's steps to the inputs, as the engine would look after them
     */
    static void assertPureAndIdempotent(Supplier<Object> inputs, Supplier<Plan> plan, Consumer<Plan> engine) {
        Object before = inputs.get();
        Plan first = plan.get();
        assertThat(plan.get()).as("the same inputs planned again").isEqualTo(first);
        assertThat(inputs.get()).as("the inputs after planning").isEqualTo(before);

        Set<String> actedOn = new HashSet<>();
        Plan next = first;
        for (int round = 1; next.hasActions(); round++) {
            assertThat(round).as("rounds until nothing is left to do; last plan:\n%s", next.render())
                    .isLessThanOrEqualTo(MOST_ROUNDS);
            for (Step s : next.actions()) {
                assertThat(actedOn.add(s.target().toString())).as("%s acted on again (round %d):\n%s", s.target(), round,
                        next.render()).isTrue();
            }
            engine.accept(next);
            next = plan.get();
            assertThat(plan.get()).as("the same inputs planned again (round %d)", round).isEqualTo(next);
        }
    }

    /** {@link #assertPureAndIdempotent} for a {@link World}. */
    static void assertPureAndIdempotent(World w) {
        assertPureAndIdempotent(() -> snapshot(w), w::plan, p -> apply(w, Map.of(), p));
    }

    /** A value copy of what the planner reads from {@code w}. */
    static List<Object> snapshot(World w) {
        return List.of(Map.copyOf(w.desired), List.copyOf(w.observed), Map.copyOf(w.networks), Map.copyOf(w.backoffs),
                Set.copyOf(w.heldFiles), Set.copyOf(w.heldNames), w.complete);
    }

    /** Makes {@code w} (and {@code checks}, the registry checks) what the engine holds after {@code plan}'s steps. */
    static void apply(World w, Map<String, ImageCheck> checks, Plan plan) {
        int n = 0;
        for (Step s : plan.actions()) {
            String newId = "id-new-" + (++n) + "-" + s.target();
            s.accept(new Simulated(w, checks, newId));
        }
    }

    /** What the engine holds after one step, by kind of step; a kind without a simulation fails the test. */
    private static final class Simulated implements Step.Visitor<Void> {
        private final World w;
        private final Map<String, ImageCheck> checks;
        private final String newId;

        Simulated(World w, Map<String, ImageCheck> checks, String newId) {
            this.w = w;
            this.checks = checks;
            this.newId = newId;
        }

        @Override
        public Void visitCreateNetwork(Step.CreateNetwork c) {
            w.networks.put(c.name(), "net-" + c.name());
            return null;
        }

        @Override
        public Void visitRemoveNetwork(Step.RemoveNetwork r) {
            w.networks.remove(r.name());
            return null;
        }

        @Override
        public Void visitPullImage(Step.PullImage p) {
            ImageCheck c = checks.get(p.image());
            String digest = p.registryDigest() != null ? p.registryDigest()
                    : c != null && c.registryDigest() != null ? c.registryDigest() : "sha256:pulled-" + p.image();
            checks.put(p.image(), new ImageCheck(p.image(), digest, digest, true));
            return null;
        }

        @Override
        public Void visitRemoveImage(Step.RemoveImage r) {
            checks.remove(r.image());
            return null;
        }

        @Override
        public Void visitCreateContainer(Step.CreateContainer c) {
            w.observed.add(started(c.manifest(), newId, checks));
            return null;
        }

        @Override
        public Void visitRecreateContainer(Step.RecreateContainer r) {
            retireOrRemove(w, r.oldId(), r.retiredName(), r.keepOld() && w.recordsUpdates);
            w.observed.add(started(r.manifest(), newId, checks));
            return null;
        }

        @Override
        public Void visitStartBeside(Step.StartBeside b) {
            w.observed.add(io.hostlet.observed.Containers.from(started(b.manifest(), newId, checks))
                    .name(b.replacementName()).build());
            return null;
        }

        @Override
        public Void visitFinishUpdate(Step.FinishUpdate f) {
            if (f.retireOldTo() != null) {
                renamed(w, f.oldId(), f.retireOldTo());
            }
            renamed(w, f.newId(), f.name());
            w.observed.removeIf(c -> c.id().equals(f.oldId()));
            return null;
        }

        @Override
        public Void visitRollBack(Step.RollBack rb) {
            w.observed.removeIf(c -> c.id().equals(rb.newId()));
            if (rb.oldId() != null) {
                renamed(w, rb.oldId(), rb.name());
                if (rb.startOld()) {
                    restarted(w, rb.oldId());
                }
            }
            return null;
        }

        @Override
        public Void visitResumeReplacement(Step.ResumeReplacement rr) {
            retireOrRemove(w, rr.oldId(), rr.retiredName(), rr.keepOld() && w.recordsUpdates);
            renamed(w, rr.newId(), rr.name());
            if (w.observed.stream().anyMatch(c -> c.id().equals(rr.newId()) && c.state() != State.RUNNING)) {
                restarted(w, rr.newId()); // starting a running container changes nothing
            }
            return null;
        }

        @Override
        public Void visitAdoptReplacement(Step.AdoptReplacement a) {
            renamed(w, a.id(), a.name());
            if (a.start()) {
                restarted(w, a.id());
            }
            return null;
        }

        @Override
        public Void visitStartContainer(Step.StartContainer st) {
            restarted(w, st.id());
            return null;
        }

        @Override
        public Void visitRestartContainer(Step.RestartContainer rs) {
            restarted(w, rs.id());
            return null;
        }

        @Override
        public Void visitRemoveContainer(Step.RemoveContainer r) {
            w.observed.removeIf(c -> c.id().equals(r.id()));
            return null;
        }

        @Override
        public Void visitRolledBack(Step.RolledBack s) {
            throw new IllegalArgumentException("no simulation for " + s);
        }

        @Override
        public Void visitStopContainer(Step.StopContainer s) {
            throw new IllegalArgumentException("no simulation for " + s);
        }

        @Override
        public Void visitHoldRemoval(Step.HoldRemoval s) {
            throw new IllegalArgumentException("no simulation for " + s);
        }

        @Override
        public Void visitWait(Step.Wait s) {
            throw new IllegalArgumentException("no simulation for " + s);
        }
    }

    /** The old container of a swap: kept stopped under its retired name (a gated update), or removed. */
    private static void retireOrRemove(World w, String oldId, String retiredName, boolean keep) {
        if (keep) {
            w.observed.replaceAll(c -> c.id().equals(oldId) ? io.hostlet.observed.Containers.from(c).name(retiredName)
                    .state(State.EXITED).exitCode(0).build() : c);
        } else {
            w.observed.removeIf(c -> c.id().equals(oldId));
        }
    }

    /** As hostlet creates a container for {@code m} and the engine then reports it. */
    private static ObservedContainer started(ContainerManifest m, String id, Map<String, ImageCheck> checks) {
        ObservedContainer c = HealthAndOrderPlannerTest.runningAs(m, id, firstHealth(m));
        ImageCheck image = checks.get(m.spec().image());
        return image != null && image.localId() != null ? c.withImageId(image.localId()) : c;
    }

    private static void renamed(World w, String id, String name) {
        w.observed.replaceAll(c -> c.id().equals(id) ? io.hostlet.observed.Containers.from(c).name(name).build() : c);
    }

    private static void restarted(World w, String id) {
        w.observed.replaceAll(c -> {
            if (!c.id().equals(id)) {
                return c;
            }
            ContainerManifest m = w.desired.get(c.managedName());
            ObservedContainer running = PlannerTest.inState(c, State.RUNNING).withImageId(c.imageId());
            return running.withHealth(m == null ? c.health() : firstHealth(m));
        });
    }

    /** The engine reports a fresh run's health as starting when there is a check, as none when there is not. */
    private static Health firstHealth(ContainerManifest m) {
        return m.spec().healthcheck() != null ? Health.STARTING : Health.NONE;
    }
}
