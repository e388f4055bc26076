package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.hostlet.plan.PlannerTest.converged;
import static io.hostlet.plan.PlannerTest.exited;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container whose bind mounts now lead through a planted symlink to a refused path ({@link ObservedState#blockedMounts}):
 * stopped, not removed; not started, created or recreated while it lasts; removed only when its manifest is.
 */
class BlockedMountsPlannerTest {

    static final String WHY = "its bind mount /srv/a now leads through a symlink to / (refused by policy baseline: reaches /)";

    static Stream<Arguments> rows() {
        return Stream.of(
                row("a running container is stopped, not removed", w -> w,
                        "#1 container:web, StopContainer, stopped, not removed: " + WHY + "\n"),
                row("a stopped one is held, not started under restartPolicy Always", w -> w.replaceObserved("web",
                        c -> exited(c, 137)), "#1 container:web, Wait, held, not started: " + WHY + "\n"),
                row("a changed spec does not recreate it", w -> {
                    w.desired.put("web", manifest("web", "busybox:2", "web.yaml", "app"));
                    return w;
                }, "#1 container:web, StopContainer, stopped, not removed: " + WHY + "\n"),
                row("its file held (refused after an upgrade, say) still stops it", w -> {
                    w.desired.remove("web");
                    w.heldFiles = Set.of("web.yaml");
                    return w;
                }, "#1 container:web, StopContainer, stopped, not removed: " + WHY + "\n"),
                row("deleting its manifest removes it as usual", w -> {
                    w.desired.remove("web");
                    return w;
                }, "#1 container:web, RemoveContainer, manifest removed\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plans(String name, UnaryOperator<PlannerTest.World> mutation, String expected) {
        PlannerTest.World w = mutation.apply(converged());
        String web = w.observed.stream().filter(c -> c.managedName().equals("web")).map(ObservedContainer::id)
                .findFirst().orElseThrow();
        DesiredState d = new DesiredState(w.desired, w.heldFiles, w.heldNames, List.of(), w.complete, null);
        Plan plan = Planner.plan(PlanInput.builder(d,
                        ObservedState.listed(w.observed, w.networks).withBlockedMounts(Map.of(web, WHY)),
                        w.now, PlannerTest.ORIGIN)
                .backoffs(w.backoffs).updates(w.updates).gc(ImageGc.OFF).build());
        assertThat(plan.render()).isEqualTo(expected);
        boolean held = plan.waits().stream().anyMatch(wait -> wait.reason() == Step.Wait.Reason.BLOCKED_MOUNT
                && wait.cause().equals("held, not started: " + WHY));
        assertThat(held).isEqualTo(name.startsWith("a stopped one"));
    }
}
