package io.hostlet.reconcile;

import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.DesiredState;
import io.hostlet.desired.SourceInfo;
import io.hostlet.engine.EngineException;
import io.hostlet.execute.Executor;
import io.hostlet.execute.Outcome;
import io.hostlet.manifest.LabelKey;
import io.hostlet.observe.Observer;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Origin;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PlanInput;
import io.hostlet.plan.Planner;
import io.hostlet.plan.PruneGuard;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.plan.Updates;
import io.hostlet.recorder.Recorder;
import io.hostlet.status.HostStatus;
import io.hostlet.status.PassStats;
import io.hostlet.status.StatusBuilder;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * One pass, from its inputs to its {@link PassReport} and the next wake-up: read the desired state whole,
 * {@link Observer observe} the engine once, {@link Planner plan}, start the plan's steps on the {@link Executor},
 * {@link Recorder record} the outcomes and {@link StatusBuilder build} the status once at the end. A
 * {@link #preview() preview} is the same pass without acting, recording or publishing.
 *
 * <p>It makes no thread and waits for nothing: the steps it starts run beside the loop, and each one's end asks for a
 * pass through {@code stepEnded}. Used by one thread at a time (the loop's); the scheduling is {@link Reconciler}'s.
 */
public final class Pass implements PassQueue.Load {

    private static final Logger LOG = Logger.getLogger(Pass.class);
    private static final Duration ENGINE_RETRY_MAX = Duration.ofSeconds(30);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The stages a pass runs through. */
    public record Stages(DesiredSource source, Observer observer, Executor executor, Recorder recorder,
                         StatusBuilder statusBuilder, UnaryOperator<ObservedState> mounts) {

        /**
         * The stages, with {@code mounts} marking what the policy's bind-mount rules now refuse in each observation
         * (see {@link BindMountGuard#mark}).
         */
        public Stages {
            java.util.Objects.requireNonNull(mounts, "mounts");
        }

        /** The stages with no bind-mount marks (every observation as the observer made it). */
        public Stages(DesiredSource source, Observer observer, Executor executor, Recorder recorder,
                      StatusBuilder statusBuilder) {
            this(source, observer, executor, recorder, statusBuilder, UnaryOperator.identity());
        }
    }

    /**
     * What a pass is told once.
     *
     * @param instance    the hostlet instance (its ownership label)
     * @param labelKey    the host's key for spec-label digests
     * @param pruneGuard  how much an input may shrink before removals wait for a confirmation
     * @param observing   whether hostlet only plans ({@code hostlet.mode=observe})
     * @param resync      the resync interval, the latest a pass is due after the one before
     * @param engineCalls the engine's call counter, which a pass's cost is measured with
     */
    public record Settings(String instance, LabelKey labelKey, PruneGuard pruneGuard, boolean observing,
                           Duration resync, LongSupplier engineCalls) {

        /** {@code act} or {@code observe}, as status shows it. */
        public String mode() {
            return observing ? "observe" : "act";
        }
    }

    /**
     * What one pass ended with.
     *
     * @param report the pass's report
     * @param wakeAt when the next pass is due at the latest (a backoff's expiry, the engine's retry or the resync)
     * @param again  whether the next pass is due at once (steps ended during this one, or restart counts wait)
     */
    public record Result(PassReport report, Instant wakeAt, boolean again) {
    }

    private final Stages stages;
    private final Settings settings;
    private final Clock clock;
    private final Runnable stepEnded;
    private final ManifestErrorLog manifestErrorLog = new ManifestErrorLog();
    private HostStatus status;
    /** Passes since start (see {@link PassStats#number()}). */
    private long passes;
    private Duration engineRetry = Duration.ofSeconds(1);
    private boolean engineWasDown;
    private volatile boolean stopping;

    /** {@code stepEnded}: asks for a pass; called on a worker's thread when a started step has ended. */
    public Pass(Stages stages, Settings settings, Clock clock, Runnable stepEnded) {
        this.stages = stages;
        this.settings = settings;
        this.clock = clock;
        this.stepEnded = stepEnded;
        this.status = HostStatus.starting().withMode(settings.mode());
    }

    /** Hostlet is stopping: an engine call failing from now on fails because of that, not because of the engine. */
    public void stopping() {
        stopping = true;
    }

    /** Runs one pass; {@code retries} are the names whose refused spec an operator asked to try again. */
    public Result run(List<String> retries) throws InterruptedException {
        Instant start = clock.instant();
        Cost cost = new Cost();
        Instant resyncAt = start.plus(settings.resync());
        Executor executor = stages.executor();
        Recorder recorder = stages.recorder();
        // In flight before the finished outcomes: a step that ends between the two is still seen in flight (and asks
        // for another pass); one no longer in flight has its outcome in the drain below, and its effect in what we list.
        Map<Target, Step> inFlight = executor.inFlight();
        List<Outcome> finished = executor.drainFinished();
        List<Outcome> recorded = new ArrayList<>(finished);
        if (!finished.isEmpty()) {
            stages.observer().engineChanged(); // steps that ended changed the engine: list afresh
            recorder.record(finished);
        }
        DesiredState desired = stages.source().read();
        SourceInfo sourceInfo = stages.source().info();
        manifestErrorLog.seen(desired.errors());
        ObservedState observed;
        try {
            observed = stages.mounts().apply(stages.observer().observe(desired));
        } catch (EngineException e) {
            if (stopping) {
                throw new InterruptedException("stopping"); // the call failed because hostlet is stopping, not the engine
            }
            return engineDown(e, desired, sourceInfo, start, cost, recorded);
        }
        if (engineWasDown) {
            LOG.info("engine answers again");
            engineWasDown = false;
            engineRetry = Duration.ofSeconds(1);
        }
        Instant now = clock.instant();
        boolean act = !settings.observing();
        if (act) { // observing writes nothing: no backoff forgiven, no image grace started in the record
            recorder.observed(desired, observed, now);
        }
        Map<String, Integer> engineRestarts = observed.restartCounts();
        boolean again = stages.observer().restartCountsPending(); // one that could not inspect them all asks for another
        for (String name : retries) {
            if (recorder.retry(name)) {
                LOG.infof("retry of %s asked for: its refused spec is tried again", name);
            }
        }
        Plan plan = plan(desired, sourceInfo, observed, inFlight, recorder.updates(engineRestarts), now);
        if (act && plan.hasActions()) {
            recorder.started(plan.actions(), now); // before they run: a crash mid-update finds its record
            stages.observer().engineChanged(); // the steps change the engine: the next pass must look
            // Long steps run beside the loop; each one's end asks for a pass, which records it and looks again.
            Executor.Started started = executor.start(plan, this::stepFinished);
            if (!started.done().isEmpty()) {
                recorder.record(started.done());
                recorded.addAll(started.done());
                again = true; // look again at once: confirms the result and publishes true status
            }
        }
        recorder.forgetVanished(desired, observed);
        status = stages.statusBuilder().afterPass(desired, sourceInfo, observed, plan, recorder.book(), now,
                engineRestarts, !act, () -> cost.stats(act ? plan.actions().size() : 0, stages.observer().listed()));
        PassReport report = new PassReport(status.lastPass().number(), now, desired, observed, plan,
                act && plan.hasActions(), recorded, status, null);
        return new Result(report, plan.nextWakeUp().filter(t -> t.isBefore(resyncAt)).orElse(resyncAt), again);
    }

    /**
     * The plan the next pass would make, with nothing executed, recorded or published. Outcomes of steps that ended
     * stay queued for the next pass, which records them before it plans.
     */
    public PlanPreview preview() throws InterruptedException {
        Map<Target, Step> inFlight = stages.executor().inFlight();
        DesiredState desired = stages.source().read();
        ObservedState observed = stages.mounts().apply(stages.observer().preview(desired));
        Instant now = clock.instant();
        Plan plan = plan(desired, stages.source().info(), observed, inFlight, stages.recorder().updates(Map.of()), now);
        return new PlanPreview(passes, settings.mode(), now, plan);
    }

    @Override
    public int inFlight() {
        return stages.executor().inFlight().size();
    }

    @Override
    public boolean unread() {
        return stages.source().unread();
    }

    /** The resync timer fired: the next pass lists the engine and reads the source afresh. */
    public void resyncRequested() {
        stages.observer().resyncRequested();
        stages.source().resyncRequested();
    }

    /** The one planner call of a pass and of its preview. */
    private Plan plan(DesiredState desired, SourceInfo sourceInfo, ObservedState observed, Map<Target, Step> inFlight,
                      Updates updates, Instant now) {
        Recorder recorder = stages.recorder();
        return Planner.plan(PlanInput.builder(desired, observed, now,
                        new Origin(settings.instance(), sourceInfo.commit(), settings.labelKey()))
                .backoffs(recorder.backoffs()).inFlight(inFlight).updates(updates).gc(recorder.imageGc())
                .guard(settings.pruneGuard()).build());
    }

    /** A started step ended (on its worker's thread): its outcome waits in the executor; the next pass records it. */
    private void stepFinished() {
        stages.observer().engineChanged();
        stepEnded.run();
    }

    private Result engineDown(EngineException e, DesiredState desired, SourceInfo sourceInfo, Instant start, Cost cost,
                              List<Outcome> recorded) {
        if (!engineWasDown) {
            LOG.warnf("engine unreachable: %s (retrying with backoff)", e.getMessage());
            engineWasDown = true;
        }
        status = stages.statusBuilder().engineDown(status, desired, sourceInfo, e.getMessage(), cost.stats(0, false));
        PassReport report = new PassReport(status.lastPass().number(), start, desired, null, null, false, recorded,
                status, e.getMessage());
        Instant next = start.plus(engineRetry);
        Duration doubled = engineRetry.multipliedBy(2);
        engineRetry = doubled.compareTo(ENGINE_RETRY_MAX) > 0 ? ENGINE_RETRY_MAX : doubled;
        return new Result(report, next, false);
    }

    /** What a pass costs, measured from its start; each pass's stats carry the next pass number. */
    private final class Cost {
        private final long wall0 = System.nanoTime();
        private final long cpu0 = THREADS.getCurrentThreadCpuTime();
        private final long calls0 = settings.engineCalls().getAsLong();

        PassStats stats(int actions, boolean listed) {
            return new PassStats(++passes, (System.nanoTime() - wall0) / 1e6,
                    (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6, settings.engineCalls().getAsLong() - calls0,
                    actions, listed);
        }
    }
}
