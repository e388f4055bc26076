package io.hostlet.reconcile;

import io.hostlet.status.HostStatus;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The control loop's thread and lifecycle: it waits on the {@link PassQueue} for a pass to be due, runs the
 * {@link Pass}, publishes its report and tells the {@link PassListener}s, and serves previews between passes.
 *
 * <p>Passes never overlap because one thread runs them, and that thread survives anything a pass throws (it logs,
 * waits 5 s, and goes on). Stopping hostlet stops the loop and nothing else: containers keep running (a controller,
 * not a supervisor).
 */
public final class Reconciler implements LoopView {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final Duration AFTER_CRASH = Duration.ofSeconds(5);

    private final PassQueue queue;
    private final Clock clock;
    private final Duration resync;
    private final Duration longestPass;
    private final PassListener listeners;
    private final HostStatus starting;
    private Pass pass;
    private volatile Thread thread; // read by previewNextPass() on HTTP threads
    private volatile boolean running;
    private volatile PassReport lastReport;
    private volatile Instant lastPassStarted;
    private volatile Instant lastPassEnded;
    private volatile boolean inPass;
    private volatile Instant loopStarted;

    /** {@code longestPass}: what a pass may legitimately take; {@code mode} is shown before the first pass. */
    public Reconciler(PassQueue queue, Clock clock, Duration resync, Duration longestPass, String mode,
                      List<PassListener> listeners) {
        this.queue = queue;
        this.clock = clock;
        this.resync = resync;
        this.longestPass = longestPass;
        this.listeners = new PassListeners(listeners);
        this.starting = HostStatus.starting().withMode(mode);
    }

    /** Starts the loop thread, which runs {@code pass} from now on; its first pass is requested at once. */
    public void start(Pass pass) {
        this.pass = pass;
        running = true;
        thread = new Thread(this::loop, "hostlet-reconcile");
        thread.start();
    }

    /** Stops the loop thread (waiting up to 10 s for a pass to end); returns false when it never started. */
    public boolean stop() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t == null) {
            return false;
        }
        pass.stopping();
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(10));
        return true;
    }

    @Override
    public HostStatus status() {
        PassReport r = lastReport;
        return r == null ? starting : r.status();
    }

    @Override
    public PassReport lastReport() {
        return lastReport;
    }

    @Override
    public CompletableFuture<PlanPreview> previewNextPass() {
        if (thread == null || !running) {
            return CompletableFuture.failedFuture(new IllegalStateException("the reconcile loop is not running"));
        }
        return queue.preview();
    }

    @Override
    public void retry(String name) {
        queue.retry(name);
    }

    @Override
    public LoopHealth health() {
        Thread t = thread;
        return new LoopHealth(t == null || !running || t.isAlive(), loopStarted, inPass, lastPassStarted, lastPassEnded);
    }

    @Override
    public String stuck(Instant now) {
        return LoopHealth.stuck(health(), resync, longestPass, now);
    }

    @Override
    public Duration resyncInterval() {
        return resync;
    }

    private void loop() {
        Instant wakeAt = Instant.EPOCH;
        loopStarted = clock.instant();
        queue.request();
        while (running) {
            try {
                boolean due = queue.await(wakeAt, pass, lastPassStarted);
                queue.servePreviews(pass);
                if (!due) {
                    continue;
                }
                inPass = true;
                lastPassStarted = clock.instant();
                Pass.Result r = pass.run(queue.takeRetries());
                if (r.again()) {
                    queue.request();
                }
                lastReport = r.report();
                wakeAt = r.wakeAt();
                listeners.passEnded(r.report());
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
}
