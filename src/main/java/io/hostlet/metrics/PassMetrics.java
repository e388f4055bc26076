package io.hostlet.metrics;

import io.hostlet.config.HostletConfig;
import io.hostlet.engine.EngineException;
import io.hostlet.execute.Outcome;
import io.hostlet.plan.Step;
import io.hostlet.reconcile.PassListener;
import io.hostlet.reconcile.PassReport;
import io.hostlet.status.ContainerStatus;
import io.hostlet.status.HostStatus;
import io.hostlet.status.ImageStatus;
import io.hostlet.status.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * hostlet's own Prometheus metrics ({@code /q/metrics}), derived from each pass's {@link PassReport}: what status
 * shows, as numbers (containers and images per phase, converged, engine up, manifest errors, when the last pass
 * ran), and what the passes did (passes, their wall time, step outcomes by kind, pulls).
 *
 * <p>Cardinality is bounded by construction: labels are phases, step kinds and results, all closed sets, and every
 * series exists from the start at 0 (so {@code rate()} and {@code == 0} work before anything happened). No metric
 * carries a container, image or file name: those belong to {@code /api/v1/status}.
 *
 * <p>Cost per pass: one walk over the containers and images to count phases (into a reused array), one over the
 * outcomes; no allocation on the way except for a pass in which a pull failed. The gauges read fields that the loop
 * thread writes, so a scrape never waits for a pass.
 */
@Singleton
public class PassMetrics implements PassListener {

    /**
     * Wall time of a pass: a no-op pass that reuses its listing takes about a millisecond, one that lists 500
     * containers tens of milliseconds, one that starts long steps may take seconds (steps finish beside the loop).
     */
    static final Duration[] DURATION_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30)};

    private static final Phase[] PHASES = Phase.values();
    private static final ImageStatus.Phase[] IMAGE_PHASES = ImageStatus.Phase.values();

    private final MeterRegistry registry;
    private final AtomicLongArray containers = new AtomicLongArray(PHASES.length);
    private final AtomicLongArray images = new AtomicLongArray(IMAGE_PHASES.length);
    /** Counting scratch, reused: only the loop thread writes it. */
    private final int[] containerScratch = new int[PHASES.length];
    private final int[] imageScratch = new int[IMAGE_PHASES.length];

    private volatile double converged;
    private volatile double engineUp;
    private volatile double manifestErrors;
    /** NaN before the first pass: "no pass for a while" must not fire while hostlet is still starting. */
    private volatile double lastPassSeconds = Double.NaN;

    private final Counter passes;
    private final Timer duration;
    private final Counter pullsOk;
    private final Counter pullsFailed;
    /** By step class: [0] ok, [1] error. Filled at start for every kind of step; the loop thread adds unknown ones. */
    private final Map<Class<?>, Counter[]> actions = new HashMap<>();

    @Inject
    public PassMetrics(MeterRegistry registry, HostletConfig config) {
        this(registry, config.resyncInterval());
    }

    /** For tests: metrics in {@code registry}, with the resync interval the alert rules compare against. */
    PassMetrics(MeterRegistry registry, Duration resyncInterval) {
        this.registry = registry;
        for (Phase p : PHASES) {
            int i = p.ordinal();
            Gauge.builder("hostlet.containers", containers, a -> a.get(i)).tag("phase", p.name())
                    .description("Desired and managed containers by phase, as in /api/v1/status")
                    .strongReference(true).register(registry);
        }
        for (ImageStatus.Phase p : IMAGE_PHASES) {
            int i = p.ordinal();
            Gauge.builder("hostlet.images", images, a -> a.get(i)).tag("phase", p.name())
                    .description("Desired kind: Image manifests by phase")
                    .strongReference(true).register(registry);
        }
        Gauge.builder("hostlet.converged", this, m -> m.converged)
                .description("1 when the last pass reached the engine, read the whole source and had nothing left to do")
                .strongReference(true).register(registry);
        Gauge.builder("hostlet.engine.up", this, m -> m.engineUp)
                .description("1 when the engine answered in the last pass")
                .strongReference(true).register(registry);
        Gauge.builder("hostlet.manifest.errors", this, m -> m.manifestErrors)
                .description("Problems in manifest files (their last good version stays applied)")
                .strongReference(true).register(registry);
        Gauge.builder("hostlet.last.pass.timestamp", this, m -> m.lastPassSeconds).baseUnit("seconds")
                .description("When the last pass planned (or found the engine down), in Unix seconds")
                .strongReference(true).register(registry);
        double resyncSeconds = resyncInterval.toNanos() / 1e9;
        Gauge.builder("hostlet.resync.interval", () -> resyncSeconds).baseUnit("seconds")
                .description("hostlet.resync-interval: a pass runs at least this often")
                .strongReference(true).register(registry);
        passes = Counter.builder("hostlet.reconcile.passes")
                .description("Reconcile passes, including those that found the engine down").register(registry);
        duration = Timer.builder("hostlet.reconcile.duration")
                .description("Wall time of a pass (observe, plan, start steps, publish status)")
                .serviceLevelObjectives(DURATION_BUCKETS).register(registry);
        pullsOk = pulls("ok");
        pullsFailed = pulls("error");
        for (Class<?> kind : actionKinds()) {
            actions.put(kind, actionCounters(kind));
        }
    }

    private Counter pulls(String result) {
        return Counter.builder("hostlet.image.pulls").tag("result", result)
                .description("Image pulls hostlet made (pull steps and the pulls creates needed), by result")
                .register(registry);
    }

    private Counter[] actionCounters(Class<?> kind) {
        String action = kind.getSimpleName(); // Step.action(): the kind a rendered plan shows
        return new Counter[]{actionCounter(action, "ok"), actionCounter(action, "error")};
    }

    private Counter actionCounter(String action, String result) {
        return Counter.builder("hostlet.actions").tag("action", action).tag("result", result)
                .description("Finished plan steps by kind and result").register(registry);
    }

    /**
     * Every concrete kind of {@link Step} that acts, found through the sealed hierarchy so a new kind gets its series
     * without touching this class. The notes ({@code Wait}, {@code HoldRemoval}) are never executed.
     */
    static List<Class<?>> actionKinds() {
        List<Class<?>> kinds = new ArrayList<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(Step.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else if (c.isRecord() && c != Step.Wait.class && c != Step.HoldRemoval.class) {
                kinds.add(c);
            }
        }
        kinds.sort(Comparator.comparing(Class::getSimpleName));
        return kinds;
    }

    @Override
    public void passEnded(PassReport report) {
        HostStatus s = report.status();
        countPhases(s);
        converged = s.converged() ? 1 : 0;
        engineUp = report.engineUp() ? 1 : 0;
        manifestErrors = s.manifestErrors().size();
        lastPassSeconds = report.at().toEpochMilli() / 1000.0;
        passes.increment();
        if (s.lastPass() != null) {
            duration.record(Math.round(s.lastPass().wallMillis() * 1_000_000), TimeUnit.NANOSECONDS);
        }
        countOutcomes(report.outcomes());
    }

    private void countPhases(HostStatus s) {
        Arrays.fill(containerScratch, 0);
        for (ContainerStatus c : s.containers()) {
            containerScratch[c.phase().ordinal()]++;
        }
        for (int i = 0; i < containerScratch.length; i++) {
            containers.set(i, containerScratch[i]);
        }
        Arrays.fill(imageScratch, 0);
        for (ImageStatus i : s.images()) {
            imageScratch[i.phase().ordinal()]++;
        }
        for (int i = 0; i < imageScratch.length; i++) {
            images.set(i, imageScratch[i]);
        }
    }

    private void countOutcomes(List<Outcome> outcomes) {
        Set<String> failedPulls = null; // several steps failing on one pull are one failed pull (as the recorder books)
        for (Outcome o : outcomes) {
            Step step = o.step();
            if (step.isAction()) {
                Counter[] c = actions.get(step.getClass());
                if (c == null) {
                    c = actionCounters(step.getClass());
                    actions.put(step.getClass(), c);
                }
                c[o.ok() ? 0 : 1].increment();
            }
            if (!o.pulls().isEmpty()) {
                pullsOk.increment(o.pulls().size()); // only pulls that returned are recorded in an outcome
            }
            if (!o.ok() && pullFailed(o)) {
                if (failedPulls == null) {
                    failedPulls = new HashSet<>();
                }
                if (failedPulls.add(step.neededImage())) {
                    pullsFailed.increment();
                }
            }
        }
    }

    /** A pull step that failed, or a create whose pull failed. */
    private static boolean pullFailed(Outcome o) {
        if (o.step().neededImage() == null) {
            return false;
        }
        return o.step().accept(IS_PULL) || o.error().kind() == EngineException.Kind.PULL_FAILED;
    }

    private static final Step.Visitor<Boolean> IS_PULL = new Step.Partial<>() {
        @Override
        public Boolean visitPullImage(Step.PullImage s) {
            return true;
        }

        @Override
        protected Boolean otherwise(Step s) {
            return false;
        }
    };
}
