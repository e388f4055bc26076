package io.hostlet.execute;

import io.hostlet.recorder.PulledImages;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor's image side: pulls bounded by {@code pull-parallelism} apart from {@code parallelism}, the record of
 * what hostlet pulled, and removals. The engine here is a stand-in because what is checked is the executor's own
 * bookkeeping and concurrency, which a real engine answering a loopback registry in milliseconds cannot show;
 * ImageKindIT covers the same against the real engine and registry.
 */
class ExecutorImagesTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path state;

    final List<ExecutorService> pools = new ArrayList<>();

    /** Pulls take 200 ms and count how many run at once; images "appear" when pulled. */
    static final class PullEngine extends FakeEngine {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Map<String, String> local = new ConcurrentHashMap<>();
        final List<String> removed = new ArrayList<>();
        EngineException removeFails;

        @Override
        public void pullImage(String image) {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            local.put(image, "sha256:new-" + image);
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

    private Executor executor(PullEngine engine, int parallelism, int pullParallelism, PulledImages record) {
        return new Executor(engine, "test", pool(parallelism), pool(pullParallelism), pullParallelism, record,
                Clock.fixed(NOW, ZoneOffset.UTC), io.hostlet.manifest.LabelKey.random());
    }

    private static Plan pulls(int n) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            steps.add(new Step.PullImage("reg:5000/app-" + i + ":1", null, "not present"));
        }
        return new Plan(steps);
    }

    @Test
    void pullsRunAtMostPullParallelismAtOnceWhateverTheContainerParallelism() throws Exception {
        PullEngine engine = new PullEngine();

        List<Outcome> outcomes = executor(engine, 8, 2, new PulledImages(state, "test")).run(pulls(6), null);

        assertThat(outcomes).allMatch(Outcome::ok).hasSize(6);
        assertThat(engine.most.get()).isEqualTo(2);
    }

    @Test
    void pullsMayRunWiderThanContainerParallelism() throws Exception {
        PullEngine engine = new PullEngine();

        executor(engine, 1, 4, new PulledImages(state, "test")).run(pulls(4), null);

        assertThat(engine.most.get()).isEqualTo(4);
    }

    @Test
    void aPullThatBroughtAnImageIsRecordedAndOneThatChangedNothingIsNot() throws Exception {
        PullEngine engine = new PullEngine();
        engine.local.put("reg:5000/app-1:1", "sha256:new-reg:5000/app-1:1"); // someone pulled it already
        PulledImages record = new PulledImages(state, "test");

        executor(engine, 2, 2, record).run(pulls(2), null);

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
        Executor executor = executor(engine, 2, 2, record);

        executor.run(new Plan(List.of(new Step.RemoveImage("reg:5000/a:1", "sha256:a", "unused"))), null);
        engine.removeFails = new EngineException(EngineException.Kind.CONFLICT, "image is being used by container x", null);
        List<Outcome> refused = executor.run(new Plan(List.of(new Step.RemoveImage("reg:5000/b:1", "sha256:b", "unused"))), null);

        assertThat(engine.removed).containsExactly("reg:5000/a:1=sha256:a");
        assertThat(refused).singleElement().satisfies(o -> assertThat(o.ok()).isFalse());
        assertThat(record.list()).containsExactly(new PulledImage("reg:5000/b:1", "sha256:b", NOW.minusSeconds(7200), NOW));
    }
}
