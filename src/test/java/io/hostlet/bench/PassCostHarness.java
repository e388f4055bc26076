package io.hostlet.bench;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import io.hostlet.engine.FakeEngine;
import io.hostlet.manifest.LabelKey;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Origin;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PlanInput;
import io.hostlet.plan.Planner;
import io.hostlet.plan.PruneGuard;
import io.hostlet.plan.Step;
import io.hostlet.recorder.BackoffBook;
import io.hostlet.status.StatusBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the CPU of a no-op pass goes at N containers, without an engine: the folder read, the planner and the status
 * builder, each timed on this thread's CPU clock over many rounds. A profiling aid for bench/ (issue 9's 30 ms
 * target at 500), not a gate: run it on purpose with {@code mvn -o test -Dtest=PassCostHarness -Dhostlet.bench.pass=500}.
 */
@EnabledIfSystemProperty(named = "hostlet.bench.pass", matches = "\\d+")
class PassCostHarness {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void noOpPassCost(@TempDir Path dir) throws Exception {
        int n = Integer.getInteger("hostlet.bench.pass");
        int rounds = Integer.getInteger("hostlet.bench.rounds", 300);
        for (int i = 0; i < n; i++) {
            String name = "bench-" + i;
            Files.writeString(dir.resolve(name + ".yaml"), """
                    apiVersion: hostlet.io/v1
                    kind: Container
                    metadata: {name: %s}
                    spec:
                      image: hostlet-test/busybox:1
                      imagePullPolicy: IfNotPresent
                      command: ["/bin/sh"]
                      args: ["-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
                      env: [{name: GEN, value: "1"}]
                      stopGracePeriod: 2s
                    """.formatted(name));
        }
        FolderSource source = new FolderSource(dir);
        DesiredState desired = source.read();
        assertThat(desired.containers()).hasSize(n);
        Origin origin = new Origin("default", null, LabelKey.random());
        PruneGuard guard = new PruneGuard(false, 0.5);
        BackoffBook book = new BackoffBook();
        Instant now = Instant.parse("2026-11-30T00:00:00Z");
        Plan first = Planner.plan(PlanInput.builder(desired, ObservedState.listed(List.of(), Map.of()), now, origin)
                .guard(guard).build());
        List<ObservedContainer> containers = new ArrayList<>();
        Step.Visitor<Void> running = new Step.Partial<>() {
            @Override
            public Void visitCreateContainer(Step.CreateContainer c) {
                containers.add(new ObservedContainer("id-" + c.container().manifest().name(),
                        c.container().manifest().name(), c.container().manifest().spec().image(),
                        c.container().labels(), ObservedContainer.State.RUNNING, null, now, List.of("bridge"),
                        ObservedContainer.Health.NONE, "sha256:abc"));
                return null;
            }

            @Override
            protected Void otherwise(Step s) {
                return null;
            }
        };
        for (Step s : first.steps()) {
            s.accept(running);
        }
        ObservedState observed = ObservedState.listed(containers, Map.of());
        StatusBuilder statusBuilder = new StatusBuilder(new io.hostlet.observe.CrashReader(new FakeEngine(), false));
        Path touch = dir.resolve(".bench-touch");
        long[] readUser = new long[rounds];
        long[] read = new long[rounds], plan = new long[rounds], status = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            Files.writeString(touch, Integer.toString(r));
            long u0 = THREADS.getCurrentThreadUserTime();
            long t0 = THREADS.getCurrentThreadCpuTime();
            DesiredState d = source.read();
            long t1 = THREADS.getCurrentThreadCpuTime();
            readUser[r] = THREADS.getCurrentThreadUserTime() - u0;
            Plan p = Planner.plan(PlanInput.builder(d, observed, now, origin).guard(guard).build());
            long t2 = THREADS.getCurrentThreadCpuTime();
            statusBuilder.afterPass(d, source.info(), observed, p, book, now, () -> null);
            long t3 = THREADS.getCurrentThreadCpuTime();
            assertThat(p.hasActions()).as(p.render()).isFalse();
            read[r] = t1 - t0;
            plan[r] = t2 - t1;
            status[r] = t3 - t2;
        }
        // Passes the engine woke: the watcher runs and nothing in the folder changed.
        source.start(() -> { });
        long[] cached = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            DesiredState d = source.read();
            cached[r] = THREADS.getCurrentThreadCpuTime() - t0;
            assertThat(d.containers()).hasSize(n);
        }
        // Passes a file change woke: the watcher saw one file rewritten; the others are known by their stamps.
        Path rewritten = dir.resolve("bench-0.yaml");
        byte[] same = Files.readAllBytes(rewritten);
        int changes = Math.min(rounds, 100); // each waits out the watcher's debounce
        long[] watched = new long[changes];
        for (int r = 0; r < changes; r++) {
            Files.write(rewritten, same);
            while (!source.unread()) {
                Thread.onSpinWait();
            }
            long t0 = THREADS.getCurrentThreadCpuTime();
            DesiredState d = source.read();
            watched[r] = THREADS.getCurrentThreadCpuTime() - t0;
            assertThat(d.containers()).hasSize(n);
        }
        source.close();
        System.out.printf("PassCostHarness n=%d: read with the watcher on and nothing changed %.3f ms CPU%n", n,
                median(cached));
        System.out.printf("PassCostHarness n=%d: read after the watcher saw one file rewritten %.2f ms CPU%n", n,
                median(watched));
        System.out.printf("PassCostHarness n=%d rounds=%d median CPU ms (last half): read %.2f (user %.2f), plan %.2f, status %.2f%n",
                n, rounds, median(read), median(readUser), median(plan), median(status));
    }

    private static double median(long[] v) {
        long[] half = Arrays.copyOfRange(v, v.length / 2, v.length);
        Arrays.sort(half);
        return half[half.length / 2] / 1e6;
    }
}
