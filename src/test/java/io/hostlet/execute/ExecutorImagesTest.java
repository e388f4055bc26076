package io.hostlet.execute;

import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.PulledImages;
import io.hostlet.recorder.Recorder;
import io.hostlet.engine.FakeEngine;

import io.hostlet.engine.EngineException;
import io.hostlet.observed.LocalImage;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PulledImage;
import io.hostlet.plan.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The executor's image side: pulls bounded by {@code pull-parallelism} apart from {@code parallelism}, and what its
 * outcomes let the recorder book in the record of what hostlet pulled, for pulls and removals. The engine here is a stand-in because what is checked is the executor's own
 * bookkeeping and concurrency, which a real engine answering a loopback registry in milliseconds cannot show;
 * ImageKindIT covers the same against the real engine and registry.
 */
class ExecutorImagesTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path state;

    final List<ExecutorService> pools = new ArrayList<>();

    /**
     * Counts how many pulls run at once; images "appear" when pulled. A gated engine holds every pull until the test
     * lets it through, so that how many pull at once is a state the test can wait for rather than a matter of timing.
     */
    static final class PullEngine extends FakeEngine {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final Semaphore gate;
        final Map<String, String> local = new ConcurrentHashMap<>();
        final List<String> removed = new ArrayList<>();
        EngineException removeFails;

        PullEngine() {
            this(false);
        }

        private PullEngine(boolean gated) {
            gate = new Semaphore(gated ? 0 : Integer.MAX_VALUE);
        }

        static PullEngine gated() {
            return new PullEngine(true);
        }

        @Override
        public void pullImage(String image) {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
                gate.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            local.put(image, "sha256:new-" + image);
            finished.incrementAndGet();
        }

        @Override
        public LocalImage localImage(String image) {
            String id = local.get(image);
            return id == null ? null : new LocalImage(id, List.of());
        }

        @Override
        public synchronized void removeImage(String reference, String expectedId) {
            if (removeFails != null) {
                throw removeFails;
            }
            removed.add(reference + "=" + expectedId);
            local.remove(reference);
        }
    }

    private ExecutorService pool(int n) {
        ExecutorService p = Executors.newFixedThreadPool(n);
        pools.add(p);
        return p;
    }

    @AfterEach
    void stopPools() {
        pools.forEach(ExecutorService::shutdownNow);
    }

    private Executor executor(PullEngine engine, int parallelism, int pullParallelism) {
        return new Executor(engine, pool(parallelism), pool(pullParallelism), pullParallelism);
    }

    /** Books outcomes as the loop does, at {@code NOW}. */
    private static Recorder recorder(PulledImages record) {
        return new Recorder(new BackoffBook(), record, Clock.fixed(NOW, ZoneOffset.UTC), true, Duration.ofHours(1),
                image -> { });
    }

    /** Runs the plan on another thread, so that the test can watch and release the gated pulls meanwhile. */
    private static CompletableFuture<List<Outcome>> inBackground(Executor executor, Plan plan) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return executor.run(plan);
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
        });
    }

    private static Plan pulls(int n) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            steps.add(new Step.PullImage("reg:5000/app-" + i + ":1", null, "not present"));
        }
        return Plan.of(new Plan.Phase(Plan.Kind.PULL_IMAGES, steps));
    }

    private static Plan removal(String image, String id) {
        return Plan.of(new Plan.Phase(Plan.Kind.REMOVE_IMAGES, List.of(new Step.RemoveImage(image, id, "unused"))));
    }

    @Test
    void pullsRunAtMostPullParallelismAtOnceWhateverTheContainerParallelism() throws Exception {
        PullEngine engine = PullEngine.gated();
        Executor executor = executor(engine, 8, 2);

        CompletableFuture<List<Outcome>> run = inBackground(executor, pulls(6));
        // Let the pulls through one by one: each time, as many as the bound pull while the rest wait their turn.
        for (int done = 0; done < 6; done++) {
            int finished = done;
            int inFlight = Math.min(2, 6 - done);
            await().untilAsserted(() -> {
                assertThat(engine.finished.get()).isEqualTo(finished);
                assertThat(engine.running.get()).isEqualTo(inFlight);
            });
            engine.gate.release();
        }
        List<Outcome> outcomes = run.get(10, TimeUnit.SECONDS);

        assertThat(outcomes).allMatch(Outcome::ok).hasSize(6);
        assertThat(engine.most.get()).isEqualTo(2);
    }

    @Test
    void pullsMayRunWiderThanContainerParallelism() throws Exception {
        PullEngine engine = PullEngine.gated();
        Executor executor = executor(engine, 1, 4);

        CompletableFuture<List<Outcome>> run = inBackground(executor, pulls(4));
        await().untilAsserted(() -> assertThat(engine.running.get()).isEqualTo(4)); // all four at once, held
        engine.gate.release(4);
        run.get(10, TimeUnit.SECONDS);

        assertThat(engine.most.get()).isEqualTo(4);
    }

    @Test
    void aPullThatBroughtAnImageIsRecordedAndOneThatChangedNothingIsNot() throws Exception {
        PullEngine engine = new PullEngine();
        engine.local.put("reg:5000/app-1:1", "sha256:new-reg:5000/app-1:1"); // someone pulled it already
        PulledImages record = new PulledImages(state, "test");

        recorder(record).record(executor(engine, 2, 2).run(pulls(2)));

        assertThat(record.list()).containsExactly(new PulledImage("reg:5000/app-0:1", "sha256:new-reg:5000/app-0:1", NOW, null));
        assertThat(new PulledImages(state, "test").list()).as("the record survives a restart").isEqualTo(record.list());
    }

    @Test
    void aRemovalForgetsTheImageAndARefusedOneRestartsItsGrace() throws Exception {
        PullEngine engine = new PullEngine();
        PulledImages record = new PulledImages(state, "test");
        record.pulled("reg:5000/a:1", null, "sha256:a", NOW.minusSeconds(7200));
        record.pulled("reg:5000/b:1", null, "sha256:b", NOW.minusSeconds(7200));
        record.replace(record.list().stream().map(p -> p.unwantedSince(NOW.minusSeconds(3600))).toList());
        Executor executor = executor(engine, 2, 2);
        Recorder recorder = recorder(record);

        recorder.record(executor.run(removal("reg:5000/a:1", "sha256:a")));
        engine.removeFails = new EngineException(EngineException.Kind.CONFLICT, "image is being used by container x", null);
        List<Outcome> refused = executor.run(removal("reg:5000/b:1", "sha256:b"));
        recorder.record(refused);

        assertThat(engine.removed).containsExactly("reg:5000/a:1=sha256:a");
        assertThat(refused).singleElement().satisfies(o -> assertThat(o.ok()).isFalse());
        assertThat(record.list()).containsExactly(new PulledImage("reg:5000/b:1", "sha256:b", NOW.minusSeconds(7200), NOW));
    }
}
