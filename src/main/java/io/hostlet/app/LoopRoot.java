package io.hostlet.app;

import io.hostlet.config.HostletConfig;
import io.hostlet.desired.DesiredSource;
import io.hostlet.engine.Engine;
import io.hostlet.execute.Executor;
import io.hostlet.lock.InstanceGate;
import io.hostlet.manifest.LabelKey;
import io.hostlet.observe.EngineEventsTrigger;
import io.hostlet.observe.ImageChecker;
import io.hostlet.observe.Observer;
import io.hostlet.plan.PruneGuard;
import io.hostlet.reconcile.LoopView;
import io.hostlet.reconcile.Pass;
import io.hostlet.reconcile.PassListener;
import io.hostlet.reconcile.PassQueue;
import io.hostlet.reconcile.Reconciler;
import io.hostlet.reconcile.BindMountGuard;
import io.hostlet.policy.Policy;
import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.LabelKeyFile;
import io.hostlet.recorder.PulledImages;
import io.hostlet.recorder.Recorder;
import io.hostlet.recorder.UpdateBook;
import io.hostlet.status.StatusBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The reconcile loop's composition root: it makes the loop's collaborators (worker pools, event stream, observer,
 * executor, recorder, status builder) once this hostlet holds its instance lock, hands them to a {@link Pass}, and
 * starts and stops the {@link Reconciler}'s thread. The API sees the loop only as a {@link LoopView}.
 */
@ApplicationScoped
public class LoopRoot {

    private static final Logger LOG = Logger.getLogger(LoopRoot.class);

    private final HostletConfig config;
    private final Engine engine;
    private final DesiredSource source;
    private final Clock clock;
    private final PassQueue queue;
    private final Reconciler reconciler;
    /** The policy's bind-mount rules where they need the engine: before every create, and on every observation. */
    private final BindMountGuard binds;
    private ExecutorService pool;
    private ExecutorService pullPool;
    private EngineEventsTrigger events;
    private volatile Pass pass; // read by the resync timer's thread

    public LoopRoot(HostletConfig config, Engine engine, DesiredSource source, Clock clock,
                    Instance<PassListener> listeners, Policy policy) {
        this.config = config;
        this.binds = BindMountGuard.of(policy, engine, config);
        this.engine = engine;
        this.source = source;
        this.clock = clock;
        this.queue = new PassQueue(clock);
        this.reconciler = new Reconciler(queue, clock, config.resyncInterval(), longestPass(config),
                config.mode().name(), listeners.stream().toList());
    }

    @Produces
    @Singleton
    LoopView loop() {
        return reconciler;
    }

    /** Starts the loop once this hostlet holds its instance lock (see {@link InstanceGate}): never before. */
    void onStart(@Observes InstanceGate.Acquired ev) {
        pool = Executors.newFixedThreadPool(config.parallelism(), daemon("hostlet-exec"));
        pullPool = Executors.newFixedThreadPool(config.images().pullParallelism(), daemon("hostlet-pull"));
        PulledImages pulledImages = new PulledImages(config.stateDir(), config.instance());
        LabelKey labelKey = LabelKeyFile.loadOrCreate(config.stateDir());
        events = new EngineEventsTrigger(engine, queue::request); // before the loop, which asks it for the epoch
        Observer observer = new Observer(engine, new ImageChecker(engine, config.resyncInterval(), pool), events::epoch,
                events::drainTouched, clock, config.images().prune(), config.status().logTail());
        Executor executor = new Executor(engine, pool, pullPool, config.images().pullParallelism(),
                binds.beforeCreate());
        Recorder recorder = new Recorder(new BackoffBook(), pulledImages,
                new UpdateBook(config.stateDir(), config.instance()), clock, config.images().prune(),
                config.images().pruneGrace(), observer::imageChanged);
        StatusBuilder statusBuilder = new StatusBuilder(observer);
        boolean observing = config.mode() == HostletConfig.Mode.observe;
        pass = new Pass(new Pass.Stages(source, observer, executor, recorder, statusBuilder, binds::mark),
                new Pass.Settings(config.instance(), labelKey,
                new PruneGuard(config.prune().allowEmpty(), config.prune().maxFraction()), observing,
                config.resyncInterval(), engine::apiCalls), clock, queue::request);
        reconciler.start(pass);
        source.start(queue::request);
        events.start();
        LOG.infof("desired state from %s %s (instance %s, resync every %s)", source.info().type(),
                source.info().location(), config.instance(), config.resyncInterval());
        if (observing) {
            LOG.info("observe mode (hostlet.mode=observe): hostlet plans every pass but creates, starts, stops, removes"
                    + " and pulls nothing; GET /api/v1/plan shows what it would do");
        }
        if (config.images().prune()) {
            LOG.infof("image garbage collection on: images hostlet pulled (recorded in %s) go %s after nothing"
                    + " wants them", pulledImages.file(), config.images().pruneGrace());
        }
    }

    void onStop(@Observes ShutdownEvent ev) throws InterruptedException {
        Pass p = pass;
        if (p != null) {
            p.stopping(); // first: an engine call failing from now on fails because hostlet stops
        }
        source.close();
        if (p == null) {
            return; // never started: another hostlet held the instance lock
        }
        events.close();
        reconciler.stop();
        pool.shutdownNow();
        pullPool.shutdownNow();
        LOG.info("stopped; containers are left running");
    }

    /** The resync timer: a full pass, listing the engine afresh, even when nothing was signalled. */
    @Scheduled(every = "${hostlet.resync-interval:30s}", delayed = "${hostlet.resync-interval:30s}")
    void resync() {
        Pass p = pass;
        if (p != null) {
            p.resyncRequested();
        } else {
            source.resyncRequested();
        }
        queue.request();
    }

    /**
     * The longest a pass may legitimately take: a recreate stops the old container with its grace (at most 10 min),
     * then creates the new one, which may pull (at most 15 min, the engine adapter's slow timeout), plus a handful of
     * ordinary calls. Longer means the loop is stuck.
     */
    static Duration longestPass(HostletConfig config) {
        return Duration.ofMinutes(25).plus(config.docker().timeout().multipliedBy(4));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
