package io.hostlet.status;

import io.hostlet.manifest.Specs;
import io.hostlet.engine.FakeEngine;
import io.hostlet.observe.CrashReader;
import io.hostlet.desired.DesiredState;
import io.hostlet.engine.Engine;
import io.hostlet.observed.LastRun;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.RestartPolicy;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.observed.Containers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Crash-loop details in status: fetched only for crash-looping containers, bounded, with the next try and a hint. */
class CrashReportsTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    /** An engine that only answers the two crash-report calls, and records them. */

    static ContainerManifest manifest(String name, RestartPolicy policy) {
        return Specs.manifest(name, Specs.spec("busybox:1").restartPolicy(policy));
    }

    static ObservedContainer observed(String name, ObservedContainer.State state, Integer exit) {
        return Containers.container("id-" + name, name).image("busybox:1").labels(Map.of("io.hostlet.name", name))
                .state(state).exitCode(exit).created(NOW.minusSeconds(60)).build();
    }

    static HostStatus status(ContainerStatus... cs) {
        return new HostStatus(false, NOW, true, true, null, List.of(cs), List.of(), null, null, List.of());
    }

    static DesiredState desired(ContainerManifest... ms) {
        Map<String, ContainerManifest> m = new HashMap<>();
        for (ContainerManifest x : ms) {
            m.put(x.name(), x);
        }
        return new DesiredState(m, Set.of(), Set.of(), List.of(), true, null);
    }

    @Test
    void aContainerTheEngineKeepsRestartingGetsItsExitLogAndEstimatedNextTry() {
        FakeEngine engine = new FakeEngine();
        Instant finished = NOW.minusMillis(300);
        engine.run = new LastRun(3, 3, false, finished.minusMillis(20), finished);
        ContainerStatus web = new ContainerStatus("web", Phase.CrashLoopBackOff, "busybox:1", "id-web", 0, "web.yaml",
                null, "exited; the engine's restart policy is restarting it");
        ContainerStatus ok = new ContainerStatus("ok", Phase.Running, "busybox:1", "id-ok", 0, "ok.yaml", null, null);

        HostStatus s = new CrashReports(new CrashReader(engine, true)).enrich(status(ok, web),
                desired(manifest("web", RestartPolicy.Always), manifest("ok", RestartPolicy.Always)),
                ObservedState.listed(List.of(observed("web", ObservedContainer.State.RESTARTING, 3),
                        observed("ok", ObservedContainer.State.RUNNING, null)), Map.of()),
                Plan.of(), NOW);

        assertThat(engine.calls).as("only the crash-looping one is asked about")
                .containsExactly("inspect id-web", "logs id-web 20");
        assertThat(s.containers().get(0).crashLoop()).isNull();
        assertThat(s.containers().get(1).crashLoop()).isEqualTo(new ContainerStatus.CrashLoop(3, 3, false, finished,
                finished.plusMillis(800), List.of("starting", "boom")));
        assertThat(s.containers().get(1).message())
                .isEqualTo("exited; the engine's restart policy is restarting it; last exit code 3");
    }

    @Test
    void withoutLogTailsTheOutputIsNeitherFetchedNorShownButTheExitIs() {
        FakeEngine engine = new FakeEngine();
        Instant finished = NOW.minusMillis(300);
        engine.run = new LastRun(3, 3, true, finished.minusMillis(20), finished);
        ContainerStatus web = new ContainerStatus("web", Phase.CrashLoopBackOff, "busybox:1", "id-web", 0, "web.yaml",
                null, "exited; the engine's restart policy is restarting it");

        HostStatus s = new CrashReports(new CrashReader(engine, false)).enrich(status(web), desired(manifest("web", RestartPolicy.Always)),
                ObservedState.listed(List.of(observed("web", ObservedContainer.State.RESTARTING, 3)), Map.of()),
                Plan.of(), NOW);

        assertThat(engine.calls).containsExactly("inspect id-web");
        assertThat(s.containers().get(0).crashLoop()).isEqualTo(new ContainerStatus.CrashLoop(3, 3, true, finished,
                finished.plusMillis(800), null));
    }

    @Test
    void hostletsOwnBackoffGivesTheNextTryAndRestartsAddUp() {
        FakeEngine engine = new FakeEngine();
        engine.run = new LastRun(1, 137, true, NOW.minusSeconds(30), NOW.minusSeconds(20));
        ContainerStatus web = new ContainerStatus("web", Phase.CrashLoopBackOff, "busybox:1", "id-web", 2, "web.yaml",
                null, "back-off 20s restarting exited container; next try at " + NOW.plusSeconds(5));

        HostStatus s = new CrashReports(new CrashReader(engine, true)).enrich(status(web), desired(manifest("web", RestartPolicy.Always)),
                ObservedState.listed(List.of(observed("web", ObservedContainer.State.EXITED, 137)), Map.of()),
                Plan.of(new Plan.Phase(Plan.Kind.CONTAINERS,
                        List.of(new Step.Wait(Target.container("web"), Step.Wait.Reason.BACKOFF, NOW.plusSeconds(5), "back-off 20s")))), NOW);

        ContainerStatus.CrashLoop loop = s.containers().get(0).crashLoop();
        assertThat(loop.restarts()).as("hostlet's 2 and the engine's 1").isEqualTo(3);
        assertThat(loop.oomKilled()).isTrue();
        assertThat(loop.nextTryAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(s.containers().get(0).message()).endsWith("killed for running out of memory (raise spec.resources.memory)");
    }

    @Test
    void detailsAreFetchedAgainOnlyWhenSomethingChangedOrAfterAWhile() {
        FakeEngine engine = new FakeEngine();
        engine.run = new LastRun(1, 1, false, NOW.minusSeconds(2), NOW.minusSeconds(1));
        CrashReports reports = new CrashReports(new CrashReader(engine, true));
        ContainerStatus web = new ContainerStatus("web", Phase.CrashLoopBackOff, "busybox:1", "id-web", 0, "web.yaml", null, null);
        ObservedState obs = ObservedState.listed(List.of(observed("web", ObservedContainer.State.RESTARTING, 1)), Map.of());

        reports.enrich(status(web), desired(), obs, Plan.of(), NOW);
        reports.enrich(status(web), desired(), obs, Plan.of(), NOW.plusMillis(500));
        assertThat(engine.calls).hasSize(2);

        reports.enrich(status(web), desired(), obs, Plan.of(), NOW.plus(CrashReports.REFRESH));
        assertThat(engine.calls).hasSize(4);

        ObservedState exited = ObservedState.listed(List.of(observed("web", ObservedContainer.State.EXITED, 1)), Map.of());
        reports.enrich(status(web), desired(), exited, Plan.of(), NOW.plus(CrashReports.REFRESH));
        assertThat(engine.calls).hasSize(6);
    }

    @Test
    void anExitZeroRightAfterStartUnderAlwaysGetsTheForegroundHint() {
        LastRun quick = new LastRun(5, 0, false, NOW.minusMillis(50), NOW);
        assertThat(CrashReports.message("exited", quick, RestartPolicy.Always)).contains("does not stay in the foreground");
        assertThat(CrashReports.message("exited", quick, RestartPolicy.OnFailure)).doesNotContain("foreground");
        LastRun slow = new LastRun(5, 0, false, NOW.minusSeconds(60), NOW);
        assertThat(CrashReports.message("exited", slow, RestartPolicy.Always)).doesNotContain("foreground");
    }

    /**
     * Seen in a real crash loop of {@code exit 1}: inspected just after its restart policy started it again, the
     * engine says exit code 0 (reset on start) and FinishedAt of the run before; that is no quick clean exit.
     */
    @Test
    void aContainerStartedAgainSinceItsLastExitGetsNoForegroundHint() {
        LastRun restarted = new LastRun(5, 0, false, NOW, NOW.minusMillis(300));
        assertThat(CrashReports.message("exited", restarted, RestartPolicy.Always)).doesNotContain("foreground");
    }

    @Test
    void theEnginesDelayDoublesPerRestartUpToAMinuteAndResetsAfterALongRun() {
        Instant end = NOW;
        assertThat(CrashReports.engineNextTry(new LastRun(0, 1, false, end.minusMillis(5), end))).isEqualTo(end.plusMillis(100));
        assertThat(CrashReports.engineNextTry(new LastRun(4, 1, false, end.minusMillis(5), end))).isEqualTo(end.plusMillis(1600));
        assertThat(CrashReports.engineNextTry(new LastRun(40, 1, false, end.minusMillis(5), end))).isEqualTo(end.plusSeconds(60));
        assertThat(CrashReports.engineNextTry(new LastRun(9, 1, false, end.minusSeconds(11), end))).isEqualTo(end.plusMillis(100));
        assertThat(CrashReports.engineNextTry(new LastRun(9, null, false, null, null))).isNull();
    }
}
