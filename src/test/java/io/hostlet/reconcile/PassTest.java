package io.hostlet.reconcile;

import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.DesiredState;
import io.hostlet.desired.SourceInfo;
import io.hostlet.engine.EngineException;
import io.hostlet.engine.FakeEngine;
import io.hostlet.execute.Executor;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.LabelKey;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.observe.ImageChecker;
import io.hostlet.observe.Observer;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.Containers;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.PruneGuard;
import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.PulledImages;
import io.hostlet.recorder.Recorder;
import io.hostlet.status.StatusBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One pass from its inputs to its report and next wake-up, without the loop's thread: an in-memory source, an engine
 * that keeps its containers in a map, and steps run on the calling thread, so every case is deterministic.
 */
class PassTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration RESYNC = Duration.ofSeconds(30);

    /** An engine holding containers in a map: lists them, creates, starts and removes; counts every call. */
    static final class MapEngine extends FakeEngine {
        final Map<String, ObservedContainer> containers = new LinkedHashMap<>();
        boolean down;

        @Override
        public synchronized ObservedState observe() {
            calls.add("list");
            if (down) {
                throw new EngineException(EngineException.Kind.UNREACHABLE, "connection refused", null);
            }
            return ObservedState.listed(new ArrayList<>(containers.values()), Map.of());
        }

        @Override
        public synchronized String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                                   List<AnonymousVolume> carried) {
            calls.add("create " + name);
            String id = "id-" + name;
            containers.put(id, Containers.container(id, name).image(m.spec().image()).labels(labels)
                    .state(ObservedContainer.State.CREATED).created(T0).imageId("sha256:0").build());
            return id;
        }

        @Override
        public synchronized void startContainer(String id) {
            calls.add("start " + id);
            containers.put(id, Containers.from(containers.get(id)).state(ObservedContainer.State.RUNNING).build());
        }

        @Override
        public synchronized io.hostlet.observed.LocalImage localImage(String image) {
            calls.add("inspect image " + image);
            return new io.hostlet.observed.LocalImage("sha256:0", List.of(image));
        }
    }

    /** A source whose desired state the test sets. */
    static final class MemorySource implements DesiredSource {
        DesiredState state = DesiredState.unknown("not read yet");
        int reads;

        @Override
        public DesiredState read() {
            reads++;
            return state;
        }

        @Override
        public SourceInfo info() {
            return SourceInfo.folder("memory");
        }

        @Override
        public void start(Runnable onChange) {
        }

        @Override
        public void close() {
        }
    }

    /** Runs every task at once on the caller's thread: a pass's steps end before it returns. */
    static final class CallerRuns extends AbstractExecutorService {
        public void shutdown() { }
        public List<Runnable> shutdownNow() { return List.of(); }
        public boolean isShutdown() { return false; }
        public boolean isTerminated() { return false; }
        public boolean awaitTermination(long t, TimeUnit u) { return true; }
        public void execute(Runnable r) { r.run(); }
    }

    final MapEngine engine = new MapEngine();
    final MemorySource source = new MemorySource();
    final AtomicLong epoch = new AtomicLong(0);
    final AtomicInteger stepEnds = new AtomicInteger();
    /** The container ids the engine's events were about since the observer last asked. */
    Set<String> touched = Set.of();
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    @TempDir
    Path state;

    Pass pass(boolean observing) {
        ExecutorService pool = new CallerRuns();
        Observer observer = new Observer(engine, new ImageChecker(engine, RESYNC, pool), epoch::get, () -> touched, clock,
                false, false);
        Recorder recorder = new Recorder(new BackoffBook(), new PulledImages(state, "test"), clock, false,
                Duration.ofHours(1), image -> { });
        return new Pass(new Pass.Stages(source, observer, new Executor(engine, pool, pool, 2), recorder,
                new StatusBuilder(observer)),
                new Pass.Settings("test", LabelKey.random(), new PruneGuard(false, 0.5), observing, RESYNC,
                        engine::apiCalls), clock, stepEnds::incrementAndGet);
    }

    static DesiredState desired(String... names) {
        Map<String, ContainerManifest> containers = new LinkedHashMap<>();
        for (String name : names) {
            containers.put(name, ManifestParser.parse(name + ".yaml", """
                    apiVersion: hostlet.io/v1
                    kind: Container
                    metadata: {name: %s}
                    spec: {image: "busybox:1", imagePullPolicy: Never}
                    """.formatted(name)).manifests().get(0));
        }
        return new DesiredState(containers, Set.of(), Set.of(), List.of(), true, null);
    }

    @BeforeEach
    void oneManifest() {
        source.state = desired("web");
    }

    @Test
    void aPassStartsTheStepsAndTheNextOneRecordsThemAndConverges() throws Exception {
        Pass pass = pass(false);

        Pass.Result first = pass.run(List.of());
        assertThat(first.report().acted()).isTrue();
        assertThat(first.report().plan().actions()).extracting(s -> s.action()).contains("CreateContainer");
        assertThat(engine.calls).contains("create web", "start id-web");
        assertThat(stepEnds.get()).as("the step's end asks for a pass").isEqualTo(1);
        assertThat(first.report().status().converged()).isFalse();

        Pass.Result second = pass.run(List.of());
        assertThat(second.report().outcomes()).as("the outcomes of the first pass's steps").isNotEmpty();
        assertThat(second.report().acted()).isFalse();
        assertThat(second.report().status().converged()).isTrue();
        assertThat(second.report().number()).isEqualTo(2);
        assertThat(second.wakeAt()).isEqualTo(T0.plus(RESYNC));
    }

    @Test
    void aNoOpPassReusesTheListingAndMakesNoEngineCall() throws Exception {
        Pass pass = pass(false);
        pass.run(List.of());
        pass.run(List.of()); // lists afresh after the steps, converged

        int before = engine.calls.size();
        Pass.Result noOp = pass.run(List.of());
        assertThat(engine.calls.subList(before, engine.calls.size())).isEmpty();
        assertThat(noOp.report().status().lastPass().apiCalls()).isZero();
        assertThat(noOp.report().status().lastPass().listed()).isFalse();
        assertThat(noOp.again()).isFalse();
    }

    @Test
    void anEngineEventMakesThePassListAgain() throws Exception {
        Pass pass = pass(false);
        pass.run(List.of());
        pass.run(List.of());
        epoch.incrementAndGet();

        int before = engine.calls.size();
        Pass.Result r = pass.run(List.of());
        assertThat(engine.calls.subList(before, engine.calls.size())).containsExactly("list");
        assertThat(r.report().status().lastPass().listed()).isTrue();
    }

    @Test
    void theEngineRestartCountJoinsTheSnapshotWhenAnEventWasAboutTheContainer() throws Exception {
        Pass pass = pass(false);
        pass.run(List.of());
        pass.run(List.of());
        engine.restartCounts.put("id-web", 3); // the engine's restart policy restarted it: a die and a start
        epoch.incrementAndGet();
        touched = Set.of("id-web");

        int before = engine.calls.size();
        Pass.Result r = pass.run(List.of());
        assertThat(engine.calls.subList(before, engine.calls.size())).containsExactly("list", "inspect id-web");
        assertThat(r.report().observed().restartCounts()).containsEntry("id-web", 3);
        assertThat(r.report().status().containers()).singleElement().satisfies(c -> assertThat(c.restarts()).isEqualTo(3));
        assertThat(r.report().status().lastPass().apiCalls()).isEqualTo(2);
    }

    @Test
    void anEngineThatDoesNotAnswerIsRetriedWithADoublingBackoff() throws Exception {
        Pass pass = pass(false);
        engine.down = true;

        Pass.Result r1 = pass.run(List.of());
        Pass.Result r2 = pass.run(List.of());
        Pass.Result r3 = pass.run(List.of());
        assertThat(r1.report().engineUp()).isFalse();
        assertThat(r1.report().engineError()).isEqualTo("connection refused");
        assertThat(r1.report().status().reason()).isEqualTo("engine unreachable: connection refused");
        assertThat(List.of(r1.wakeAt(), r2.wakeAt(), r3.wakeAt()))
                .containsExactly(T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(4));

        engine.down = false;
        Pass.Result up = pass.run(List.of());
        assertThat(up.report().engineUp()).isTrue();
        engine.down = true;
        assertThat(pass.run(List.of()).wakeAt()).as("the backoff starts over").isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aPreviewPlansWhatThePassWouldDoWithoutActing() throws Exception {
        Pass pass = pass(false);

        PlanPreview preview = pass.preview();
        assertThat(preview.afterPass()).isZero();
        assertThat(preview.mode()).isEqualTo("act");
        assertThat(preview.plan().actions()).extracting(s -> s.action()).contains("CreateContainer");
        assertThat(engine.containers).isEmpty();
        assertThat(engine.calls).doesNotContain("create web");

        Pass.Result r = pass.run(List.of());
        assertThat(r.report().number()).as("the preview was no pass").isEqualTo(1);
        assertThat(r.report().plan().actions()).isEqualTo(preview.plan().actions());
    }

    @Test
    void observeModePlansButStartsNothing() throws Exception {
        Pass pass = pass(true);

        Pass.Result r = pass.run(List.of());
        assertThat(r.report().plan().hasActions()).isTrue();
        assertThat(r.report().acted()).isFalse();
        assertThat(engine.containers).isEmpty();
        assertThat(r.report().status().mode()).isEqualTo("observe");
    }

    @Test
    void anEmptyOrUnreadableSourceRemovesNothing() throws Exception {
        Pass pass = pass(false);
        pass.run(List.of());
        pass.run(List.of());

        source.state = DesiredState.unknown("folder unreadable");
        Pass.Result r = pass.run(List.of());
        assertThat(r.report().plan().hasActions()).isFalse();
        assertThat(engine.containers).containsKey("id-web");
    }
}
