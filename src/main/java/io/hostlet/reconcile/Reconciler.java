package io.hostlet.reconcile;

import io.hostlet.execute.Outcome;
import io.hostlet.status.PassStats;
import io.hostlet.status.StatusBuilder;
import io.hostlet.execute.Executor;
import io.hostlet.observe.EngineEventsTrigger;
import io.hostlet.observe.ImageChecker;
import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.PulledImages;
import io.hostlet.status.CrashReports;
import io.hostlet.status.HostStatus;

import io.hostlet.config.HostletConfig;
import io.hostlet.desired.DesiredState;
import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.SourceInfo;
import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.ImageGc;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Planner;
import io.hostlet.plan.Step;
import io.quarkus.runtime.ShutdownEvent;
import io.hostlet.lock.InstanceGate;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The control loop: read the desired state whole, observe the engine once, plan, execute. Triggers (file
 * change, engine event, resync timer, backoff expiry, a pass that acted) carry no payload and coalesce: any number of
 * requests while a pass runs cause exactly one more pass. Passes never overlap because one thread runs them.
 *
 * <p>Stopping hostlet stops the loop and nothing else: containers keep running (a controller, not a supervisor).
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final Duration ENGINE_RETRY_MAX = Duration.ofSeconds(30);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final HostletConfig config;
    private final Engine engine;
    private final Clock clock = Clock.systemUTC();
    private final BackoffBook book = new BackoffBook();
    private final CrashReports crashReports;
    private ImageChecker images;
    private final Object signal = new Object();
    private boolean requested;
    private final DesiredSource source;
    private ExecutorService pool;
    private ExecutorService pullPool;
    private PulledImages pulledImages;
    private Executor executor;
    private EngineEventsTrigger events;
    private Thread thread;
    private volatile boolean running;
    private volatile HostStatus status = HostStatus.starting();
    private volatile Instant lastPassStarted;
    /** Passes finished since start (see {@link PassStats#number()}). */
    private long passes;
    private Duration engineRetry = Duration.ofSeconds(1);
    private boolean engineWasDown;
    /** The resync timer asked for a pass: list the engine even if the last observation is still current. */
    private volatile boolean listRequested;
    /** The last listing and the events epoch read just before it (see {@link #observe}). */
    private ObservedState lastListed;
    private long lastListedEpoch = -1;
    /** Whether this pass listed the engine (false: it reused {@link #lastListed}). */
    private boolean listedThisPass;

    public Reconciler(HostletConfig config, Engine engine, DesiredSource source) {
        this.config = config;
        this.engine = engine;
        this.source = source;
        this.crashReports = new CrashReports(engine, config.status().logTail());
    }

    /** Starts the loop once this hostlet holds its instance lock (see {@link InstanceGate}): never before. */
    void onStart(@Observes InstanceGate.Acquired ev) {
        pool = Executors.newFixedThreadPool(config.parallelism(), r -> {
            Thread t = new Thread(r, "hostlet-exec");
            t.setDaemon(true);
            return t;
        });
        pullPool = Executors.newFixedThreadPool(config.images().pullParallelism(), r -> {
            Thread t = new Thread(r, "hostlet-pull");
            t.setDaemon(true);
            return t;
        });
        pulledImages = new PulledImages(config.stateDir(), config.instance());
        executor = new Executor(engine, config.instance(), pool, pullPool, config.images().pullParallelism(),
                pulledImages, clock);
        images = new ImageChecker(engine, config.resyncInterval(), pool);
        running = true;
        events = new EngineEventsTrigger(engine, this::requestPass); // before the loop, which asks it for the epoch
        thread = new Thread(this::loop, "hostlet-reconcile");
        thread.start();
        source.start(this::requestPass);
        events.start();
        LOG.infof("desired state from %s %s (instance %s, resync every %s)", source.info().type(),
                source.info().location(), config.instance(), config.resyncInterval());
        if (config.images().prune()) {
            LOG.infof("image garbage collection on: images hostlet pulled (recorded in %s) go %s after nothing"
                    + " wants them", pulledImages.file(), config.images().pruneGrace());
        }
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
        listRequested = true;
        requestPass();
    }

    /** Asks for a pass; requests made while one is pending or running coalesce into one. */
    public void requestPass() {
        synchronized (signal) {
            requested = true;
            signal.notifyAll();
        }
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

    private void loop() {
        Instant wakeAt = Instant.EPOCH;
        requestPass();
        while (running) {
            try {
                awaitRequest(wakeAt);
                wakeAt = pass();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("reconcile pass failed unexpectedly; retrying", e);
                wakeAt = clock.instant().plusSeconds(5);
            }
        }
    }

    private void awaitRequest(Instant wakeAt) throws InterruptedException {
        synchronized (signal) {
            while (!requested) {
                long ms = Duration.between(clock.instant(), wakeAt).toMillis();
                if (ms <= 0) {
                    break;
                }
                signal.wait(ms);
            }
            requested = false;
        }
    }

    /** One pass; returns when the next pass is due at the latest (backoff expiry or the resync). */
    private Instant pass() throws InterruptedException {
        Instant start = clock.instant();
        lastPassStarted = start;
        long wall0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long calls0 = engine.apiCalls();
        Instant resyncAt = start.plus(config.resyncInterval());
        DesiredState desired = source.read();
        SourceInfo sourceInfo = source.info();
        ObservedState observed;
        try {
            observed = observe();
            // A third call only when something needs it: a plain pass stays at two.
            if (!desired.images().isEmpty() || config.images().prune()) {
                observed = observed.withLocalImages(engine.listImages());
            }
        } catch (EngineException e) {
            lastListed = null;
            if (!running) {
                throw new InterruptedException("stopping"); // the call failed because hostlet is stopping, not the engine
            }
            return engineDown(e, desired, sourceInfo, start);
        }
        if (engineWasDown) {
            LOG.info("engine answers again");
            engineWasDown = false;
            engineRetry = Duration.ofSeconds(1);
        }
        observed = observed.withImages(images.checks(desired, clock.instant()));
        Instant now = clock.instant();
        book.observe(observed, now);
        ImageGc gc = ImageGc.OFF;
        if (config.images().prune()) {
            pulledImages.replace(ImageGc.track(pulledImages.list(), desired, observed, now));
            gc = new ImageGc(true, config.images().pruneGrace(), pulledImages.list());
        }
        Plan plan = Planner.plan(desired, observed, book.view(), now, gc);
        HostStatus next = crashReports.enrich(StatusBuilder.build(desired, sourceInfo, observed, plan, book, now),
                desired, observed, plan, now);
        status = next.withLastPass(status.lastPass()); // visible while the steps run
        if (plan.hasActions()) {
            lastListed = null; // the steps change the engine: the next pass must look
            record(executor.run(plan, sourceInfo.commit()));
            requestPass(); // look again at once: confirms the result and publishes true status
        }
        forgetVanished(desired, observed);
        status = next.withLastPass(new PassStats(++passes, (System.nanoTime() - wall0) / 1e6,
                (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6, engine.apiCalls() - calls0, plan.actions().size(),
                listedThisPass));
        return plan.nextWakeUp().filter(t -> t.isBefore(resyncAt)).orElse(resyncAt);
    }

    /**
     * The engine's state for this pass: the last listing when nothing can have changed since (the event stream has
     * been live throughout and no event came, no step ran, the resync timer did not ask), else a fresh listing.
     * So a pass caused by a file change costs no engine call, while a death, a stop, a removal by hand or anything
     * else the engine reports is always seen by a fresh list, and the resync timer lists regardless.
     */
    private ObservedState observe() {
        long epoch = events.epoch(); // before listing: a change during the list moves it, and the next pass lists
        listedThisPass = false;
        if (lastListed != null && epoch >= 0 && epoch == lastListedEpoch && !listRequested) {
            return lastListed;
        }
        listedThisPass = true;
        listRequested = false;
        lastListed = engine.observe(true);
        lastListedEpoch = epoch;
        return lastListed;
    }

    private void record(List<Outcome> outcomes) {
        Instant now = clock.instant();
        Set<String> imagesFailed = new HashSet<>(); // several containers failing on one image are one failure
        for (Outcome o : outcomes) {
            Step s = o.step();
            String image = imageOf(s);
            if (image != null && o.ok()) {
                images.invalidate(image); // check the registry again now that the local image may have changed
            }
            if (image != null && !(s instanceof Step.PullImage) && (o.ok() || isImageError(o.error()))) {
                // Backoff per image too: one failing pull holds every container that needs the image.
                if (o.ok()) {
                    book.succeeded("image:" + image, image, false);
                } else if (imagesFailed.add(image)) {
                    book.failed("image:" + image, image, o.error().kind(), o.error().getMessage(), now);
                }
            }
            if (o.ok()) {
                if (s instanceof Step.StartContainer st && st.restart() || s instanceof Step.RestartContainer) {
                    book.restarted(s.target(), s.gateHash(), now);
                } else {
                    book.succeeded(s.target(), s.gateHash(),
                            s instanceof Step.CreateContainer || s instanceof Step.RecreateContainer);
                }
            } else if (s instanceof Step.RemoveImage && o.error().kind() == EngineException.Kind.CONFLICT) {
                continue; // refused (in use, or re-pointed): the record restarted its grace; no backoff needed
            } else if (o.error().kind() != EngineException.Kind.UNREACHABLE) {
                book.failed(s.target(), s.gateHash(), o.error().kind(), o.error().getMessage(), now);
            }
        }
    }

    /** The image a pull, create or recreate fetched or needed; null for other steps. */
    private static String imageOf(Step s) {
        return s instanceof Step.PullImage p ? p.image()
                : s instanceof Step.CreateContainer c ? c.manifest().spec().image()
                : s instanceof Step.RecreateContainer r ? r.manifest().spec().image() : null;
    }

    private static boolean isImageError(EngineException e) {
        return e.kind() == EngineException.Kind.PULL_FAILED || e.kind() == EngineException.Kind.IMAGE_MISSING;
    }

    /** Keeps the backoff book to what still exists or is still wanted. */
    private void forgetVanished(DesiredState desired, ObservedState observed) {
        Set<String> live = new HashSet<>();
        desired.containers().keySet().forEach(n -> live.add("container:" + n));
        observed.containers().forEach(c -> live.add("container:" + (c.managedName() == null ? c.name() : c.managedName())));
        desired.containers().values().forEach(m -> m.spec().networks().forEach(n -> live.add("network:" + n)));
        observed.networks().keySet().forEach(n -> live.add("network:" + n));
        desired.containers().values().forEach(m -> live.add("image:" + m.spec().image()));
        desired.images().values().forEach(m -> live.add("image:" + m.image()));
        pulledImages.list().forEach(p -> live.add("image:" + p.reference()));
        book.retain(live);
    }

    private Instant engineDown(EngineException e, DesiredState desired, SourceInfo sourceInfo, Instant start) {
        if (!engineWasDown) {
            LOG.warnf("engine unreachable: %s (retrying with backoff)", e.getMessage());
            engineWasDown = true;
        }
        HostStatus prev = status;
        status = new HostStatus(false, prev.lastReconcile(), false, desired.complete(),
                "engine unreachable: " + e.getMessage(), prev.containers(), desired.errors(), sourceInfo, prev.lastPass(),
                prev.images());
        Instant next = start.plus(engineRetry);
        engineRetry = engineRetry.multipliedBy(2).compareTo(ENGINE_RETRY_MAX) > 0 ? ENGINE_RETRY_MAX : engineRetry.multipliedBy(2);
        return next;
    }
}
