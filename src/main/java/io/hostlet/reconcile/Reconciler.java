package io.hostlet.reconcile;

import io.hostlet.config.HostletConfig;
import io.hostlet.manifest.LabelKey;
import io.hostlet.recorder.LabelKeyFile;
import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.DesiredState;
import io.hostlet.desired.SourceInfo;
import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.execute.Executor;
import io.hostlet.execute.Outcome;
import io.hostlet.observe.EngineEventsTrigger;
import io.hostlet.observe.ImageChecker;
import io.hostlet.observe.Observer;
import io.hostlet.observe.RestartCounts;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Origin;
import io.hostlet.policy.Policy;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PlanInput;
import io.hostlet.plan.Planner;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.plan.PruneGuard;
import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.PulledImages;
import io.hostlet.recorder.Recorder;
import io.hostlet.recorder.UpdateBook;
import io.hostlet.status.HostStatus;
import io.hostlet.status.PassStats;
import io.hostlet.status.StatusBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.hostlet.lock.InstanceGate;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The control loop. It schedules passes and runs each one through its stages: read the desired state whole,
 * {@link Observer observe} the engine once, {@link Planner plan}, {@link Executor execute}, {@link Recorder record}
 * the outcomes, and publish the status {@link StatusBuilder built} once at the end.
 *
 * <p>Triggers (file change, engine event, resync timer, backoff expiry, a pass that acted) carry no payload and
 * coalesce: any number of requests while a pass runs cause exactly one more pass. Passes never overlap because one
 * thread runs them, and that thread survives anything a pass throws (it logs, waits 5 s, and goes on).
 *
 * <p>Stopping hostlet stops the loop and nothing else: containers keep running (a controller, not a supervisor).
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final Duration ENGINE_RETRY_MAX = Duration.ofSeconds(30);
    private static final Duration AFTER_CRASH = Duration.ofSeconds(5);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final HostletConfig config;
    private final PruneGuard pruneGuard;
    private final Engine engine;
    private final DesiredSource source;
    private final Clock clock;
    private final List<PassListener> listeners;
    private final Object signal = new Object();
    private boolean requested;
    private ExecutorService pool;
    private ExecutorService pullPool;
    private EngineEventsTrigger events;
    private Observer observer;
    private Executor executor;
    private Recorder recorder;
    /** The host's key for spec-label digests (state folder), read once at start. */
    private LabelKey labelKey;
    private StatusBuilder statusBuilder;
    private RestartCounts restartCounts;
    private final ManifestErrorLog manifestErrorLog = new ManifestErrorLog();
    /** Names whose refused spec an operator asked to retry, cleared by the next pass on the loop thread. */
    private final java.util.Queue<String> retries = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Previews of the next pass asked for by the API, served by the loop thread between passes. */
    private final java.util.Queue<java.util.concurrent.CompletableFuture<PlanPreview>> previews =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The last pass's report (engine up or down); null before the first. */
    private volatile PassReport lastReport;
    private volatile Thread thread; // read by previewNextPass() on HTTP threads
    private volatile boolean running;
    private volatile HostStatus status;
    private volatile Instant lastPassStarted;
    /** When the last pass ended (normally or not); null before the first. */
    private volatile Instant lastPassEnded;
    /** Whether a pass is running now (between {@link #lastPassStarted} and its end). */
    private volatile boolean inPass;
    /** When the loop started, for the liveness check before the first pass ends. */
    private volatile Instant loopStarted;
    /** Passes since start (see {@link PassStats#number()}). */
    private long passes;
    private Duration engineRetry = Duration.ofSeconds(1);
    /** The policy's bind-mount rules where they need the engine: before every create, and on every observation. */
    private final BindMountGuard binds;
    private boolean engineWasDown;

    public Reconciler(HostletConfig config, Engine engine, DesiredSource source, Clock clock,
                      Instance<PassListener> listeners, Policy policy) {
        this.config = config;
        this.binds = new BindMountGuard(policy, engine, BindMountGuard.ownFolders(config),
                Path.of("/proc/self/mountinfo"));
        this.listeners = listeners.stream().toList();
        this.pruneGuard = new PruneGuard(config.prune().allowEmpty(), config.prune().maxFraction());
        this.engine = engine;
        this.source = source;
        this.clock = clock;
        this.status = HostStatus.starting().withMode(config.mode().name());
    }

    /** Starts the loop once this hostlet holds its instance lock (see {@link InstanceGate}): never before. */
    void onStart(@Observes InstanceGate.Acquired ev) {
        pool = Executors.newFixedThreadPool(config.parallelism(), daemon("hostlet-exec"));
        pullPool = Executors.newFixedThreadPool(config.images().pullParallelism(), daemon("hostlet-pull"));
        PulledImages pulledImages = new PulledImages(config.stateDir(), config.instance());
        labelKey = LabelKeyFile.loadOrCreate(config.stateDir());
        events = new EngineEventsTrigger(engine, this::requestPass); // before the loop, which asks it for the epoch
        observer = new Observer(engine, new ImageChecker(engine, config.resyncInterval(), pool), events::epoch, clock,
                config.images().prune());
        executor = new Executor(engine, pool, pullPool, config.images().pullParallelism(), binds.beforeCreate());
        recorder = new Recorder(new BackoffBook(), pulledImages, new UpdateBook(config.stateDir(), config.instance()),
                clock, config.images().prune(),
                config.images().pruneGrace(), observer::imageChanged);
        statusBuilder = new StatusBuilder(engine, config.status().logTail());
        restartCounts = new RestartCounts(engine, clock.instant());
        running = true;
        thread = new Thread(this::loop, "hostlet-reconcile");
        thread.start();
        source.start(this::requestPass);
        events.start();
        LOG.infof("desired state from %s %s (instance %s, resync every %s)", source.info().type(),
                source.info().location(), config.instance(), config.resyncInterval());
        if (observing()) {
            LOG.info("observe mode (hostlet.mode=observe): hostlet plans every pass but creates, starts, stops, removes"
                    + " and pulls nothing; GET /api/v1/plan shows what it would do");
        }
        if (config.images().prune()) {
            LOG.infof("image garbage collection on: images hostlet pulled (recorded in %s) go %s after nothing"
                    + " wants them", pulledImages.file(), config.images().pruneGrace());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    void onStop(@Observes ShutdownEvent ev) throws InterruptedException {
        running = false;
        source.close();
        if (thread == null) {
            return; // never started: another hostlet held the instance lock
        }
        events.close();
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        pool.shutdownNow();
        pullPool.shutdownNow();
        LOG.info("stopped; containers are left running");
    }

    /** The resync timer: a full pass, listing the engine afresh, even when nothing was signalled. */
    @Scheduled(every = "${hostlet.resync-interval:30s}", delayed = "${hostlet.resync-interval:30s}")
    void resync() {
        if (observer != null) {
            observer.resyncRequested();
        }
        source.resyncRequested();
        requestPass();
    }

    /** Asks for a pass; requests made while one is pending or running coalesce into one. */
    public void requestPass() {
        synchronized (signal) {
            requested = true;
            signal.notifyAll();
        }
    }

    /** Whether hostlet only plans ({@code hostlet.mode=observe}). */
    private boolean observing() {
        return config.mode() == HostletConfig.Mode.observe;
    }

    /** The report of the last pass; null before the first. */
    public PassReport lastReport() {
        return lastReport;
    }

    /**
     * Asks the loop for a preview of the next pass (see {@link PlanPreview}), made on its thread between passes (the
     * observer is not thread-safe, and a preview must not race a pass). Completes exceptionally with
     * {@link IllegalStateException} while the loop does not run, or with the engine's error.
     */
    public java.util.concurrent.CompletableFuture<PlanPreview> previewNextPass() {
        java.util.concurrent.CompletableFuture<PlanPreview> f = new java.util.concurrent.CompletableFuture<>();
        if (thread == null || !running) {
            f.completeExceptionally(new IllegalStateException("the reconcile loop is not running"));
            return f;
        }
        previews.add(f);
        synchronized (signal) {
            signal.notifyAll();
        }
        return f;
    }

    /**
     * Asks for the spec of {@code name} refused after a rollback to be tried again (the operator's retry); the next
     * pass, which this requests, clears the refusal on the loop thread and plans the update afresh.
     */
    public void retry(String name) {
        retries.add(name);
        requestPass();
    }

    /** The status published by the last pass. */
    public HostStatus status() {
        return status;
    }

    /** When the last pass started; null before the first. */
    public Instant lastPassStarted() {
        return lastPassStarted;
    }

    /** The resync interval, which bounds how long passes may be apart. */
    public Duration resyncInterval() {
        return config.resyncInterval();
    }

    /** When the last pass ended; null before the first. */
    public Instant lastPassEnded() {
        return lastPassEnded;
    }

    /**
     * The longest a pass may legitimately take: a recreate stops the old container with its grace (at most 10 min),
     * then creates the new one, which may pull (at most 15 min, the engine adapter's slow timeout), plus a handful of
     * ordinary calls. Longer means the loop is stuck.
     */
    Duration longestPass() {
        return Duration.ofMinutes(25).plus(config.docker().timeout().multipliedBy(4));
    }

    /**
     * Why the loop is not alive at {@code now}, or null when it is: its thread has ended; or a pass has run longer than
     * {@link #longestPass()}; or, between passes, none has ended for longer than a resync interval and a minute (an
     * idle loop wakes at least once per resync interval).
     */
    public String stuck(Instant now) {
        Thread t = thread;
        return LoopHealth.stuck(new LoopHealth(t == null || !running || t.isAlive(), loopStarted, inPass,
                lastPassStarted, lastPassEnded), config.resyncInterval(), longestPass(), now);
    }

    private void loop() {
        Instant wakeAt = Instant.EPOCH;
        loopStarted = clock.instant();
        requestPass();
        while (running) {
            try {
                boolean due = awaitRequest(wakeAt);
                servePreviews();
                if (!due) {
                    continue;
                }
                inPass = true;
                wakeAt = pass();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) { // the loop must outlive any pass: a dead loop thread is a silent hostlet
                LOG.error("reconcile pass failed unexpectedly; retrying", e);
                wakeAt = clock.instant().plus(AFTER_CRASH);
            } finally {
                if (inPass) {
                    lastPassEnded = clock.instant();
                    inPass = false;
                }
            }
        }
    }

    /**
     * Waits until a pass is due (true), or until a preview is asked for (false). While steps are in flight a due pass
     * also waits out its {@link Pacing pacing}; any request (the last step's end among them) wakes it to look again.
     */
    private boolean awaitRequest(Instant wakeAt) throws InterruptedException {
        synchronized (signal) {
            while (true) {
                long ms = requested
                        ? Pacing.rest(executor.inFlight().size(), source.unread(), lastPassStarted, clock.instant())
                                .toMillis()
                        : Duration.between(clock.instant(), wakeAt).toMillis();
                if (ms <= 0) {
                    break;
                }
                if (!previews.isEmpty()) {
                    return false;
                }
                signal.wait(ms);
            }
            requested = false;
            return true;
        }
    }

    /**
     * Serves the previews asked for: the plan the next pass would make, with nothing executed, recorded or published.
     * Outcomes of steps that ended stay queued for the next pass, which records them before it plans.
     */
    private void servePreviews() throws InterruptedException {
        java.util.concurrent.CompletableFuture<PlanPreview> f;
        PlanPreview preview = null;
        RuntimeException failed = null;
        while ((f = previews.poll()) != null) {
            if (preview == null && failed == null) {
                try {
                    Map<Target, Step> inFlight = executor.inFlight();
                    DesiredState desired = source.read();
                    ObservedState observed = observer.preview(desired);
                    observed = observed.withBlockedMounts(binds.blocked(observed));
                    Instant now = clock.instant();
                    Plan plan = Planner.plan(PlanInput.builder(desired, observed, now,
                            new Origin(config.instance(), source.info().commit(), labelKey))
                            .backoffs(recorder.backoffs()).inFlight(inFlight).updates(recorder.updates(Map.of()))
                            .gc(recorder.imageGc()).guard(pruneGuard).build());
                    preview = new PlanPreview(passes, config.mode().name(), now, plan);
                } catch (RuntimeException e) {
                    failed = e;
                }
            }
            if (preview != null) {
                f.complete(preview);
            } else {
                f.completeExceptionally(failed);
            }
        }
    }

    /** One pass; returns when the next pass is due at the latest (backoff expiry or the resync). */
    private Instant pass() throws InterruptedException {
        Instant start = clock.instant();
        lastPassStarted = start;
        Cost cost = new Cost();
        Instant resyncAt = start.plus(config.resyncInterval());
        // In flight before the finished outcomes: a step that ends between the two is still seen in flight (and asks
        // for another pass); one no longer in flight has its outcome in the drain below, and its effect in what we list.
        Map<Target, Step> inFlight = executor.inFlight();
        List<Outcome> finished = executor.drainFinished();
        List<Outcome> recorded = new ArrayList<>(finished);
        if (!finished.isEmpty()) {
            observer.engineChanged(); // steps that ended changed the engine: list afresh
            recorder.record(finished);
        }
        DesiredState desired = source.read();
        SourceInfo sourceInfo = source.info();
        manifestErrorLog.seen(desired.errors());
        ObservedState observed;
        try {
            binds.learnOnce();
            observed = observer.observe(desired);
            observed = observed.withBlockedMounts(binds.blocked(observed));
        } catch (EngineException e) {
            if (!running) {
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
        boolean act = !observing();
        if (act) { // observing writes nothing: no backoff forgiven, no image grace started in the record
            recorder.observed(desired, observed, now);
        }
        Map<String, Integer> engineRestarts = engineRestarts(observed);
        for (String name; (name = retries.poll()) != null; ) {
            if (recorder.retry(name)) {
                LOG.infof("retry of %s asked for: its refused spec is tried again", name);
            }
        }
        Plan plan = Planner.plan(PlanInput.builder(desired, observed, now,
                new Origin(config.instance(), sourceInfo.commit(), labelKey))
                .backoffs(recorder.backoffs()).inFlight(inFlight).updates(recorder.updates(engineRestarts))
                .gc(recorder.imageGc()).guard(pruneGuard).build());
        if (act && plan.hasActions()) {
            recorder.started(plan.actions(), now); // before they run: a crash mid-update finds its record
            observer.engineChanged(); // the steps change the engine: the next pass must look
            // Long steps run beside the loop; each one's end asks for a pass, which records it and looks again.
            Executor.Started started = executor.start(plan, this::stepFinished);
            if (!started.done().isEmpty()) {
                recorder.record(started.done());
                recorded.addAll(started.done());
                requestPass(); // look again at once: confirms the result and publishes true status
            }
        }
        recorder.forgetVanished(desired, observed);
        status = statusBuilder.afterPass(desired, sourceInfo, observed, plan, recorder.book(), now, engineRestarts,
                !act, () -> cost.stats(act ? plan.actions().size() : 0, observer.listed()));
        PassReport report = new PassReport(status.lastPass().number(), now, desired, observed, plan,
                act && plan.hasActions(), recorded, status, null);
        lastReport = report;
        tell(report);
        return plan.nextWakeUp().filter(t -> t.isBefore(resyncAt)).orElse(resyncAt);
    }

    /**
     * The engine's restart counts of the observed containers, inspecting only those that may have changed (see
     * {@link RestartCounts}); a pass that could not inspect them all asks for another.
     */
    private Map<String, Integer> engineRestarts(ObservedState observed) {
        Map<String, Integer> counts = restartCounts.update(observed, events.drainTouched());
        if (restartCounts.pending()) {
            requestPass();
        }
        return counts;
    }

    /** A started step ended (on its worker's thread): its outcome waits in the executor; the next pass records it. */
    private void stepFinished() {
        observer.engineChanged();
        requestPass();
    }

    /** Hands the pass's report to every listener; none of them can stop the loop or the others. */
    private void tell(PassReport report) {
        for (PassListener l : listeners) {
            try {
                l.passEnded(report);
            } catch (RuntimeException e) {
                LOG.warnf(e, "pass listener %s failed on pass %d", l.getClass().getSimpleName(), report.number());
            }
        }
    }

    private Instant engineDown(EngineException e, DesiredState desired, SourceInfo sourceInfo, Instant start, Cost cost,
                               List<Outcome> recorded) {
        if (!engineWasDown) {
            LOG.warnf("engine unreachable: %s (retrying with backoff)", e.getMessage());
            engineWasDown = true;
        }
        status = statusBuilder.engineDown(status, desired, sourceInfo, e.getMessage(), cost.stats(0, false));
        PassReport report = new PassReport(status.lastPass().number(), start, desired, null, null, false, recorded,
                status, e.getMessage());
        lastReport = report;
        tell(report);
        Instant next = start.plus(engineRetry);
        engineRetry = engineRetry.multipliedBy(2).compareTo(ENGINE_RETRY_MAX) > 0 ? ENGINE_RETRY_MAX : engineRetry.multipliedBy(2);
        return next;
    }

    /** What a pass costs, measured from its start; each pass's stats carry the next pass number. */
    private final class Cost {
        private final long wall0 = System.nanoTime();
        private final long cpu0 = THREADS.getCurrentThreadCpuTime();
        private final long calls0 = engine.apiCalls();

        PassStats stats(int actions, boolean listed) {
            return new PassStats(++passes, (System.nanoTime() - wall0) / 1e6,
                    (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6, engine.apiCalls() - calls0, actions, listed);
        }
    }
}
