package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ObservedState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.hostlet.plan.PlannerTest.NOW;
import static io.hostlet.plan.PlannerTest.ORIGIN;
import static io.hostlet.plan.PlannerTest.exited;
import static org.assertj.core.api.Assertions.assertThat;

/** What the planner does while steps started by earlier passes are still running (see {@link Planner}). */
class InFlightPlannerTest {

    static Plan plan(PlannerTest.World w, Map<Target, Step> inFlight) {
        DesiredState d = new DesiredState(w.desired, Set.of(), Set.of(), List.of(), true, null);
        return Planner.plan(PlanInput.builder(d, ObservedState.listed(w.observed, w.networks), NOW, ORIGIN)
                .backoffs(w.backoffs).inFlight(inFlight).build());
    }

    static final Step PULL = new Step.PullImage("busybox:1", "sha256:x", "the registry's digest moved to sha256:x");

    @Test
    void aTargetInFlightWaitsWithoutATimerAndOthersGoOn() {
        PlannerTest.World w = PlannerTest.converged();
        w.replaceObserved("web", c -> exited(c, 1)).replaceObserved("db", c -> exited(c, 1));
        Step webStart = plan(w, Map.of()).actions().get(1);
        assertThat(webStart.target()).isEqualTo(Target.container("web"));

        Plan plan = plan(w, Map.of(Target.container("web"), webStart));
        assertThat(plan.render()).isEqualTo("""
                #1 container:db, StartContainer, exited with code 1, restartPolicy Always
                #2 container:web, Wait, in progress: StartContainer (exited with code 1, restartPolicy Always)
                """);
        assertThat(plan.nextWakeUp()).isEmpty();
    }

    @Test
    void aCreateWaitsForAPullOfItsImageInFlight() {
        PlannerTest.World w = PlannerTest.converged();
        w.observed.removeIf(c -> c.managedName().equals("web"));
        assertThat(plan(w, Map.of(Target.image("busybox:1"), PULL)).render()).isEqualTo(
                "#1 container:web, Wait, in progress: PullImage busybox:1 (the registry's digest moved to sha256:x)\n");
    }

    @Test
    void removalsOfNetworksWaitUntilNothingIsInFlight() {
        PlannerTest.World w = PlannerTest.converged();
        w.networks.put("old", "net-old");
        assertThat(plan(w, Map.of()).render()).isEqualTo("#1 network:old, RemoveNetwork, no manifest uses it\n");
        assertThat(plan(w, Map.of(Target.image("busybox:1"), PULL)).render()).isEmpty();
    }
}
