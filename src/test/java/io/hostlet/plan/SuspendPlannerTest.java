package io.hostlet.plan;

import io.hostlet.manifest.Specs;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.ObservedContainer.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.hostlet.plan.PlannerTest.converged;
import static io.hostlet.plan.PlannerTest.exited;
import static io.hostlet.plan.PlannerTest.inState;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.row;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code suspend: true} in the planner: stopped and kept, never created, started, recreated or removed. */
class SuspendPlannerTest {

    static ContainerManifest suspended(ContainerManifest m) {
        return Specs.with(m, s -> s.suspend(true));
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("a running container is stopped", w -> {
                    w.desired.put("web", suspended(w.desired.get("web")));
                    return w;
                }, "#1 container:web, StopContainer, suspended\n"),
                row("a stopped container stays stopped (not restarted under restartPolicy Always)", w -> {
                    w.desired.put("web", suspended(w.desired.get("web")));
                    return w.replaceObserved("web", c -> exited(c, 137));
                }, ""),
                row("a created container is not started", w -> {
                    w.desired.put("web", suspended(w.desired.get("web")));
                    return w.replaceObserved("web", c -> inState(c, State.CREATED));
                }, ""),
                row("a missing container is not created", w -> {
                    w.desired.put("web", suspended(w.desired.get("web")));
                    w.observed.removeIf(c -> c.managedName().equals("web"));
                    return w;
                }, ""),
                row("a changed spec does not recreate while suspended", w -> {
                    w.desired.put("web", suspended(manifest("web", "busybox:2", "web.yaml", "app")));
                    return w.replaceObserved("web", c -> exited(c, 0));
                }, ""),
                row("lifting suspend starts the kept container again", w -> w.replaceObserved("web", c -> exited(c, 137)),
                        "#1 container:web, StartContainer, exited with code 137, restartPolicy Always\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plans(String name, UnaryOperator<PlannerTest.World> mutation, String expected) {
        assertThat(mutation.apply(converged()).plan().render()).isEqualTo(expected);
    }
}
