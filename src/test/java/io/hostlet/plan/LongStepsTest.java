package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.engine.EngineException;
import io.hostlet.engine.FakeEngine;
import io.hostlet.execute.Executor;
import io.hostlet.execute.Outcome;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.LocalImage;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.PulledImages;
import io.hostlet.recorder.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.hostlet.plan.PlannerTest.NOW;
import static io.hostlet.plan.PlannerTest.ORIGIN;
import static io.hostlet.plan.PlannerTest.exited;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Long steps do not block healing: the stages of a pass (plan, start, record) as the loop wires them, with an engine
 * whose pull of {@code slow:1} hangs until the test releases it.
 */
class LongStepsTest {

    final ExecutorService pool = Executors.newFixedThreadPool(2);
    final ExecutorService pullPool = Executors.newFixedThreadPool(1);
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
        pullPool.shutdownNow();
    }

    /** {@code slow:1} is missing until pulled, and its pull blocks until {@link #release}; other calls answer at once. */
    final class SlowPullEngine extends FakeEngine {
        final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean pulled;

        @Override
        public String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                      List<AnonymousVolume> carried) {
            if (m.spec().image().equals("slow:1") && !pulled) {
                throw new EngineException(EngineException.Kind.IMAGE_MISSING, "no such image slow:1", null);
            }
            log.add("create " + name);
            return "id-" + name;
        }

        @Override
        public void pullImage(String image) {
            log.add("pull " + image);
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new EngineException(EngineException.Kind.PULL_FAILED, "test pull never released", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(EngineException.Kind.PULL_FAILED, "interrupted", e);
            }
            pulled = true;
            log.add("pulled " + image);
        }

        @Override
        public LocalImage localImage(String image) {
            return null;
        }

        @Override
        public void startContainer(String id) {
            log.add("start " + id);
        }
    }

    @Test
    void aHangingPullDoesNotHoldAnotherContainersRestart(@TempDir Path state) {
        SlowPullEngine engine = new SlowPullEngine();
        AtomicInteger passRequests = new AtomicInteger();
        Executor executor = new Executor(engine, pool, pullPool, 1);
        Recorder recorder = new Recorder(new BackoffBook(), new PulledImages(state, "test"),
                Clock.fixed(NOW, ZoneOffset.UTC), false, Duration.ofHours(1), image -> { });

        ContainerManifest a = manifest("a", "slow:1", "a.yaml");
        ContainerManifest b = manifest("b", "busybox:1", "b.yaml");
        DesiredState desired = new DesiredState(Map.of("a", a, "b", b), Set.of(), Set.of(), List.of(), true, null);
        ObservedContainer bRunning = running(b, "id-b");

        // Pass 1: a is missing (its create pulls slow:1, which hangs), b exited.
        Plan first = plan(desired, List.of(exited(bRunning, 1)), executor);
        assertThat(first.render()).isEqualTo("""
                #1 container:a, CreateContainer, not found
                #2 container:b, StartContainer, exited with code 1, restartPolicy Always
                """);
        Executor.Started started = executor.start(first, passRequests::incrementAndGet);
        assertThat(started.started()).containsExactly(Target.container("a"), Target.container("b"));
        assertThat(started.all()).isNotDone(); // start returned while a's pull hangs

        // b's restart ends while a's pull still hangs; its outcome is there for the next pass to record.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(passRequests).hasValue(1));
        assertThat(engine.log).contains("start id-b", "pull slow:1").doesNotContain("pulled slow:1");
        assertThat(executor.inFlight()).containsOnlyKeys(Target.container("a"));
        List<Outcome> finished = executor.drainFinished();
        assertThat(finished).extracting(o -> o.step().target()).containsExactly(Target.container("b"));
        assertThat(finished.get(0).ok()).isTrue();
        recorder.record(finished);
        assertThat(recorder.book().restarts(Target.container("b"))).isEqualTo(1);

        // Pass 2, while a is in flight: a waits (no timer, its end asks for a pass), b runs and needs nothing.
        Plan second = plan(desired, List.of(bRunning), executor);
        assertThat(second.render()).isEqualTo(
                "#1 container:a, Wait, in progress: CreateContainer (not found)\n");
        assertThat(second.hasActions()).isFalse();
        assertThat(second.nextWakeUp()).isEmpty();

        // The pull ends: a's create goes on, its outcome reaches the recorder and a pass is requested.
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(passRequests).hasValue(2));
        assertThat(executor.inFlight()).isEmpty();
        assertThat(started.all()).isDone();
        List<Outcome> later = executor.drainFinished();
        assertThat(later).singleElement().satisfies(o -> {
            assertThat(o.step().target()).isEqualTo(Target.container("a"));
            assertThat(o.ok()).isTrue();
            assertThat(o.pulls()).extracting(Outcome.Pull::image).containsExactly("slow:1");
        });
        recorder.record(later);
        assertThat(recorder.book().entry(Target.container("a"))).isNull(); // a success leaves no backoff
        assertThat(engine.log).containsSubsequence("pull slow:1", "pulled slow:1", "create a", "start id-a");
    }

    private static Plan plan(DesiredState desired, List<ObservedContainer> observed, Executor executor) {
        return Planner.plan(PlanInput.builder(desired, ObservedState.listed(observed, Map.of()), NOW, ORIGIN)
                .inFlight(executor.inFlight()).guard(PruneGuard.DEFAULT).build());
    }
}
