package io.hostlet.metrics;

import io.hostlet.engine.EngineException;
import io.hostlet.execute.Outcome;
import io.hostlet.manifest.ManifestError;
import io.hostlet.plan.Step;
import io.hostlet.reconcile.PassReport;
import io.hostlet.status.ContainerStatus;
import io.hostlet.status.HostStatus;
import io.hostlet.status.ImageStatus;
import io.hostlet.status.PassStats;
import io.hostlet.status.Phase;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link PassMetrics} makes of pass reports, read back from the Prometheus exposition operators scrape. */
class PassMetricsTest {

    private static final Instant AT = Instant.parse("2026-11-30T08:00:00Z");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PassMetrics metrics = new PassMetrics(registry, Duration.ofSeconds(30));

    /** The exposition's samples, by series ({@code name{labels}}). */
    private Map<String, Double> scrape() {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : registry.scrape().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return samples;
    }

    private double value(String series) {
        Double v = scrape().get(series);
        assertThat(v).as("series %s in\n%s", series, registry.scrape()).isNotNull();
        return v;
    }

    @Test
    void everySeriesExistsBeforeTheFirstPass() {
        Map<String, Double> s = scrape();
        for (Phase p : Phase.values()) {
            assertThat(s).containsEntry("hostlet_containers{phase=\"" + p + "\",}", 0.0);
        }
        for (ImageStatus.Phase p : ImageStatus.Phase.values()) {
            assertThat(s).containsEntry("hostlet_images{phase=\"" + p + "\",}", 0.0);
        }
        assertThat(s).containsEntry("hostlet_converged", 0.0)
                .containsEntry("hostlet_engine_up", 0.0)
                .containsEntry("hostlet_manifest_errors", 0.0)
                .containsEntry("hostlet_reconcile_passes_total", 0.0)
                .containsEntry("hostlet_reconcile_duration_seconds_count", 0.0)
                .containsEntry("hostlet_image_pulls_total{result=\"ok\",}", 0.0)
                .containsEntry("hostlet_image_pulls_total{result=\"error\",}", 0.0)
                .containsEntry("hostlet_actions_total{action=\"CreateContainer\",result=\"ok\",}", 0.0)
                .containsEntry("hostlet_actions_total{action=\"RemoveContainer\",result=\"error\",}", 0.0)
                .containsEntry("hostlet_resync_interval_seconds", 30.0);
        // NaN, not 0: "no pass for 3 resync intervals" must not fire while hostlet is starting
        assertThat(s.get("hostlet_last_pass_timestamp_seconds")).isNaN();
        assertThat(s.keySet()).noneMatch(k -> k.contains("action=\"Wait\"") || k.contains("action=\"HoldRemoval\""));
    }

    static Stream<Arguments> phaseCounts() {
        return Stream.of(
                Arguments.of("nothing desired", List.of(), Map.of()),
                Arguments.of("one running", List.of(Phase.Running), Map.of(Phase.Running, 1)),
                Arguments.of("mixed", List.of(Phase.Running, Phase.Running, Phase.CrashLoopBackOff, Phase.Pending,
                        Phase.Removing), Map.of(Phase.Running, 2, Phase.CrashLoopBackOff, 1, Phase.Pending, 1,
                        Phase.Removing, 1)),
                Arguments.of("every phase", Arrays.asList(Phase.values()),
                        Map.of(Phase.Pending, 1, Phase.Running, 1, Phase.Succeeded, 1, Phase.Failed, 1,
                                Phase.CrashLoopBackOff, 1, Phase.ImagePullBackOff, 1, Phase.Conflict, 1,
                                Phase.Removing, 1, Phase.Suspended, 1, Phase.RolledBack, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("phaseCounts")
    void containersAreCountedByPhaseAndAbsentPhasesAreZero(String name, List<Phase> phases, Map<Phase, Integer> want) {
        // a pass with other counts first: each pass's counts replace the last ones, nothing accumulates
        metrics.passEnded(report(status(true, List.of(Phase.Failed, Phase.Failed, Phase.Conflict)), List.of(), null));
        metrics.passEnded(report(status(true, phases), List.of(), null));

        for (Phase p : Phase.values()) {
            assertThat(value("hostlet_containers{phase=\"" + p + "\",}")).as("%s", p)
                    .isEqualTo(want.getOrDefault(p, 0).doubleValue());
        }
    }

    @Test
    void imagesAreCountedByPhase() {
        HostStatus s = new HostStatus(true, AT, true, true, null, List.of(), List.of(), null, stats(3), List.of(
                new ImageStatus("a", "reg/a:1", ImageStatus.Phase.Present, "sha256:1", "a.yaml", null),
                new ImageStatus("b", "reg/b:1", ImageStatus.Phase.ImagePullBackOff, null, "b.yaml", "refused")));
        metrics.passEnded(report(s, List.of(), null));

        assertThat(value("hostlet_images{phase=\"Present\",}")).isEqualTo(1);
        assertThat(value("hostlet_images{phase=\"ImagePullBackOff\",}")).isEqualTo(1);
        assertThat(value("hostlet_images{phase=\"Pending\",}")).isZero();
    }

    @Test
    void convergedEngineUpErrorsAndTimeFollowTheLastPass() {
        metrics.passEnded(report(status(true, List.of(Phase.Running)), List.of(), null));
        assertThat(value("hostlet_converged")).isEqualTo(1);
        assertThat(value("hostlet_engine_up")).isEqualTo(1);
        assertThat(value("hostlet_last_pass_timestamp_seconds")).isEqualTo(AT.getEpochSecond());

        HostStatus down = new HostStatus(false, AT, false, true, "engine unreachable", List.of(),
                List.of(new ManifestError("a.yaml", 3, 5, "bad"), new ManifestError("b.yaml", 1, 1, "worse")),
                null, stats(2), List.of());
        metrics.passEnded(new PassReport(7, AT.plusSeconds(5), null, null, null, false, List.of(), down,
                "connection refused"));

        assertThat(value("hostlet_converged")).isZero();
        assertThat(value("hostlet_engine_up")).isZero();
        assertThat(value("hostlet_manifest_errors")).isEqualTo(2);
        assertThat(value("hostlet_last_pass_timestamp_seconds")).isEqualTo(AT.getEpochSecond() + 5);
        assertThat(value("hostlet_reconcile_passes_total")).isEqualTo(2);
    }

    @Test
    void passDurationsFallIntoSecondsBuckets() {
        for (double ms : new double[]{0.4, 3, 40, 700, 12_000}) {
            metrics.passEnded(report(new HostStatus(true, AT, true, true, null, List.of(), List.of(), null,
                    new PassStats(1, ms, 1, 0, 0, false), List.of()), List.of(), null));
        }
        assertThat(value("hostlet_reconcile_duration_seconds_count")).isEqualTo(5);
        assertThat(value("hostlet_reconcile_duration_seconds_sum")).isCloseTo(12.7434, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(value("hostlet_reconcile_duration_seconds_bucket{le=\"0.001\",}")).isEqualTo(1);
        assertThat(value("hostlet_reconcile_duration_seconds_bucket{le=\"0.005\",}")).isEqualTo(2);
        assertThat(value("hostlet_reconcile_duration_seconds_bucket{le=\"0.05\",}")).isEqualTo(3);
        assertThat(value("hostlet_reconcile_duration_seconds_bucket{le=\"1.0\",}")).isEqualTo(4);
        assertThat(value("hostlet_reconcile_duration_seconds_bucket{le=\"10.0\",}")).isEqualTo(4);
        assertThat(value("hostlet_reconcile_duration_seconds_bucket{le=\"30.0\",}")).isEqualTo(5);
        assertThat(value("hostlet_reconcile_duration_seconds_bucket{le=\"+Inf\",}")).isEqualTo(5);
    }

    @Test
    void finishedStepsAreCountedByKindAndResult() {
        Step start = new Step.StartContainer("id1", "web", "h", true, "exited");
        Step remove = new Step.RemoveContainer("id2", "old", Duration.ofSeconds(10), "no manifest");
        Step wait = new Step.Wait(io.hostlet.plan.Target.container("x"), Step.Wait.Reason.DEPENDENCY, null, "waits for db");
        metrics.passEnded(report(status(true, List.of()), List.of(ok(start), ok(start), failed(remove,
                EngineException.Kind.FAILED), ok(wait)), null));

        assertThat(value("hostlet_actions_total{action=\"StartContainer\",result=\"ok\",}")).isEqualTo(2);
        assertThat(value("hostlet_actions_total{action=\"StartContainer\",result=\"error\",}")).isZero();
        assertThat(value("hostlet_actions_total{action=\"RemoveContainer\",result=\"error\",}")).isEqualTo(1);
        assertThat(registry.scrape()).doesNotContain("action=\"Wait\"");
        assertThat(value("hostlet_image_pulls_total{result=\"ok\",}")).isZero();
        assertThat(value("hostlet_image_pulls_total{result=\"error\",}")).isZero();
    }

    @Test
    void pullsAreCountedAndOneFailedPullIsOneFailureHoweverManyStepsWaitedOnIt() {
        Step pullA = new Step.PullImage("reg/a:1", "sha256:a", "digest moved");
        Step pullB = new Step.PullImage("reg/b:1", null, "missing");
        Step resumeOnB = new Step.ResumeReplacement("old", Duration.ofSeconds(1), "new", "web", "web.next-1", "h",
                "reg/b:1", "interrupted");
        Outcome pulledA = new Outcome(pullA, null, List.of(new Outcome.Pull("reg/a:1", "sha256:0", "sha256:1")));
        EngineException refused = new EngineException(EngineException.Kind.PULL_FAILED, "denied", null);

        metrics.passEnded(report(status(true, List.of()), List.of(pulledA, new Outcome(pullB, refused, List.of()),
                new Outcome(resumeOnB, refused, List.of())), null));

        assertThat(value("hostlet_image_pulls_total{result=\"ok\",}")).isEqualTo(1);
        assertThat(value("hostlet_image_pulls_total{result=\"error\",}")).isEqualTo(1);
        assertThat(value("hostlet_actions_total{action=\"PullImage\",result=\"ok\",}")).isEqualTo(1);
        assertThat(value("hostlet_actions_total{action=\"PullImage\",result=\"error\",}")).isEqualTo(1);
        assertThat(value("hostlet_actions_total{action=\"ResumeReplacement\",result=\"error\",}")).isEqualTo(1);

        // the next pass fails on it again: that is another failed pull
        metrics.passEnded(report(status(true, List.of()), List.of(new Outcome(pullB, refused, List.of())), null));
        assertThat(value("hostlet_image_pulls_total{result=\"error\",}")).isEqualTo(2);
    }

    @Test
    void aStepThatFailedForAnotherReasonThanItsPullIsNoFailedPull() {
        Step resume = new Step.ResumeReplacement("old", Duration.ofSeconds(1), "new", "web", "web.next-1", "h",
                "reg/b:1", "interrupted");
        metrics.passEnded(report(status(true, List.of()),
                List.of(failed(resume, EngineException.Kind.FAILED)), null));

        assertThat(value("hostlet_image_pulls_total{result=\"error\",}")).isZero();
    }

    @Test
    void noSeriesCarriesAContainerImageOrFileName() {
        List<ContainerStatus> cs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            cs.add(new ContainerStatus("secretive-app-" + i, i % 2 == 0 ? Phase.Running : Phase.CrashLoopBackOff,
                    "reg/secretive-image:" + i, "id" + i, i, "secretive-file-" + i + ".yaml", null, "message " + i));
        }
        Step start = new Step.StartContainer("id1", "secretive-app-1", "h", true, "exited");
        HostStatus s = new HostStatus(false, AT, true, true, "crash loop", cs,
                List.of(new ManifestError("secretive-file-x.yaml", 1, 1, "bad")), null, stats(4), List.of());
        int before = scrape().size();
        metrics.passEnded(report(s, List.of(ok(start)), null));

        assertThat(registry.scrape()).doesNotContain("secretive");
        assertThat(scrape()).hasSize(before); // every series existed before; none was added for a name
        assertThat(value("hostlet_containers{phase=\"Running\",}")).isEqualTo(25);
    }

    /**
     * Not a benchmark with an assertion on time (machines differ), but the figures to watch: the listener's cost
     * for the 500-container report of the bench's no-op pass. What is asserted is that it allocates nothing per
     * container (an allocation storm at 500 would show as tens of KB per pass).
     */
    @Test
    void aPassOf500ContainersCostsACountingWalkAndAllocatesAlmostNothing() {
        List<ContainerStatus> cs = new ArrayList<>();
        Phase[] phases = Phase.values();
        for (int i = 0; i < 500; i++) {
            cs.add(new ContainerStatus("app-" + i, i < 490 ? Phase.Running : phases[i % phases.length], "img", "id",
                    0, "f.yaml", null, null));
        }
        PassReport noOp = report(new HostStatus(true, AT, true, true, null, cs, List.of(), null, stats(30),
                List.of()), List.of(), null);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            metrics.passEnded(noOp); // warm up: let the JIT compile the walk
        }
        int n = 20_000;
        long bytes0 = threads.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            metrics.passEnded(noOp);
        }
        long nanos = System.nanoTime() - t0;
        long bytes = threads.getThreadAllocatedBytes(tid) - bytes0;
        System.out.printf("PassMetrics at 500 containers: %.2f us and %.1f bytes allocated per pass (%d passes)%n",
                nanos / 1000.0 / n, (double) bytes / n, n);

        assertThat((double) bytes / n).as("bytes allocated per pass").isLessThan(256);
        assertThat(value("hostlet_containers{phase=\"Running\",}"))
                .isEqualTo(cs.stream().filter(c -> c.phase() == Phase.Running).count());
    }

    // ---- helpers ----

    private static PassStats stats(double wallMillis) {
        return new PassStats(1, wallMillis, 1, 0, 0, false);
    }

    private static HostStatus status(boolean converged, List<Phase> phases) {
        List<ContainerStatus> cs = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            cs.add(new ContainerStatus("c" + i, phases.get(i), "img", "id" + i, 0, "c.yaml", null, null));
        }
        return new HostStatus(converged, AT, true, true, converged ? null : "busy", cs, List.of(), null, stats(2),
                List.of());
    }

    private static PassReport report(HostStatus s, List<Outcome> outcomes, String engineError) {
        return new PassReport(1, AT, null, null, null, !outcomes.isEmpty(), outcomes, s, engineError);
    }

    private static Outcome ok(Step s) {
        return new Outcome(s, null, List.of());
    }

    private static Outcome failed(Step s, EngineException.Kind kind) {
        return new Outcome(s, new EngineException(kind, "no", null), List.of());
    }
}
