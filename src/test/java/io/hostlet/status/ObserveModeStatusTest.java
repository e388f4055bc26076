package io.hostlet.status;

import io.hostlet.manifest.RestartPolicy;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.recorder.BackoffBook;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.hostlet.status.CrashReportsTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Observe mode in status, top-level restarts counting the engine's own, and the creation time for a container's age. */
class ObserveModeStatusTest {

    private static final PassStats STATS = new PassStats(7, 1, 1, 2, 0, true);

    @Test
    void observeModeWithStepsIsNotConvergedAndSaysWhatWouldRun() {
        var m = CrashReportsTest.manifest("web", RestartPolicy.Always);
        Plan plan = Plan.of(new Plan.Phase(Plan.Kind.CONTAINERS, List.of(new Step.RemoveContainer("id-old", "old",
                java.time.Duration.ofSeconds(1), "no manifest"))));
        ObservedState observed = ObservedState.listed(List.of(
                CrashReportsTest.observed("web", ObservedContainer.State.RUNNING, null),
                CrashReportsTest.observed("old", ObservedContainer.State.RUNNING, null)), Map.of());

        HostStatus s = new StatusBuilder(new io.hostlet.observe.CrashReader(new io.hostlet.engine.FakeEngine(), false)).afterPass(
                CrashReportsTest.desired(m), null, observed, plan, new BackoffBook(), NOW, Map.of(), true, () -> STATS);

        assertThat(s.mode()).isEqualTo("observe");
        assertThat(s.converged()).isFalse();
        assertThat(s.reason()).isEqualTo("observe mode: 1 step(s) would run");
        ContainerStatus old = s.containers().stream().filter(c -> c.name().equals("old")).findFirst().orElseThrow();
        assertThat(old.message()).isEqualTo("observe mode: would RemoveContainer (no manifest)");
    }

    @Test
    void observeModeWithNothingToDoIsConverged() {
        var m = CrashReportsTest.manifest("web", RestartPolicy.Always);
        ObservedState observed = ObservedState.listed(List.of(
                CrashReportsTest.observed("web", ObservedContainer.State.RUNNING, null)), Map.of());

        HostStatus s = new StatusBuilder(new io.hostlet.observe.CrashReader(new io.hostlet.engine.FakeEngine(), false)).afterPass(
                CrashReportsTest.desired(m), null, observed, Plan.of(), new BackoffBook(), NOW, Map.of(), true,
                () -> STATS);

        assertThat(s.mode()).isEqualTo("observe");
        assertThat(s.converged()).isTrue();
        assertThat(s.reason()).isNull();
    }

    @Test
    void restartsAddTheEnginesCountToHostletsForEveryContainer() {
        var m = CrashReportsTest.manifest("web", RestartPolicy.Always);
        ObservedState observed = ObservedState.listed(List.of(
                CrashReportsTest.observed("web", ObservedContainer.State.RUNNING, null)), Map.of());
        BackoffBook book = new BackoffBook();

        HostStatus s = new StatusBuilder(new io.hostlet.observe.CrashReader(new io.hostlet.engine.FakeEngine(), false)).afterPass(
                CrashReportsTest.desired(m), null, observed, Plan.of(), book, NOW, Map.of("id-web", 9), false,
                () -> STATS);

        assertThat(s.mode()).isEqualTo("act");
        assertThat(s.containers().get(0).restarts()).isEqualTo(9 + book.restarts(Target.container("web")));
        // its age, for `hostlet status` and the page, comes from the list call
        assertThat(s.containers().get(0).createdAt()).isEqualTo(NOW.minusSeconds(60));
        assertThat(s.converged()).isTrue();
    }
}
