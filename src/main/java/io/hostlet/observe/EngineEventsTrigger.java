package io.hostlet.observe;

import io.hostlet.engine.Engine;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a subscription to the engine's container events so that a death is noticed within moments
 * rather than at the next resync. Events only ask for a pass. When the stream breaks (the engine
 * restarted, a timeout) it resubscribes with backoff and asks for a full pass, since events may have been
 * missed meanwhile.
 *
 * <p>It also says whether a pass may reuse the last observation instead of listing again ({@link #epoch}): while
 * the stream is live, every change to this instance's containers arrives as an event, so an observation taken
 * at some epoch stays true until the epoch moves.
 */
public final class EngineEventsTrigger implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EngineEventsTrigger.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** How long after an event the first pass is asked for: enough to coalesce a burst (kill, die, stop). */
    static final Duration QUICK = Duration.ofMillis(20);
    /**
     * When the second pass after an event is asked for. The engine sends "die" before its list call shows the
     * container as exited or restarting: usually the first list after the event shows it already (measured: 3-5 ms
     * after on Docker 20.10), but on a busy engine it has lagged by up to ~100 ms. Where the quick pass saw the
     * old state, this one sees the new.
     */
    static final Duration SETTLE = Duration.ofMillis(250);

    private final Engine engine;
    private final Runnable requestPass;
    private final ScheduledExecutorService settle = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hostlet-events-settle");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean quickPending = new AtomicBoolean();
    private final AtomicBoolean settlePending = new AtomicBoolean();
    private final AtomicLong epoch = new AtomicLong();
    /** Containers an event was about since the last {@link #drainTouched()}. */
    private final java.util.Set<String> touched = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean live;
    private final Thread thread;
    private final Object ended = new Object();
    private volatile boolean closed;
    private boolean streamEnded;

    public EngineEventsTrigger(Engine engine, Runnable requestPass) {
        this.engine = engine;
        this.requestPass = requestPass;
        this.thread = new Thread(this::loop, "hostlet-events");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            AutoCloseable subscription = null;
            try {
                synchronized (ended) {
                    streamEnded = false;
                }
                subscription = engine.events(this::onStart, this::onEvent, this::onEnd);
                requestPass.run(); // whatever happened while unsubscribed is seen by this pass
                long subscribedAt = System.nanoTime();
                synchronized (ended) {
                    while (!streamEnded && !closed) {
                        ended.wait();
                    }
                }
                // A stream that lived a while was healthy: start the backoff over.
                if (System.nanoTime() - subscribedAt > TimeUnit.MINUTES.toNanos(1)) {
                    retry = FIRST_RETRY;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debugf("subscribing to engine events failed: %s", e.getMessage());
            } finally {
                closeQuietly(subscription);
            }
            if (closed) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(retry.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        }
    }

    /**
     * A number that moves whenever this instance's containers may have changed on the engine, or -1 while the
     * event stream is not live (then nothing can be known without listing). Read it before listing: an
     * observation is current as long as the epoch read before it is unchanged.
     */
    public long epoch() {
        long e = epoch.get();
        return live ? e : -1;
    }

    /**
     * The ids of the containers events were about since the last call (a start or a die may mean the engine restarted
     * it), or null while the stream is not live (then nothing can be known without asking the engine).
     */
    public java.util.Set<String> drainTouched() {
        boolean wasLive = live;
        java.util.Set<String> out = new java.util.HashSet<>();
        for (java.util.Iterator<String> it = touched.iterator(); it.hasNext(); ) {
            out.add(it.next());
            it.remove();
        }
        return wasLive ? out : null;
    }

    private void onStart() {
        live = true;
        epoch.incrementAndGet();
        requestPass.run();
    }

    private void onEvent(String containerId) {
        if (containerId != null) {
            touched.add(containerId);
        }
        epoch.incrementAndGet();
        askForPass(quickPending, QUICK);
        askForPass(settlePending, SETTLE);
    }

    /** Asks for a pass after {@code delay}, unless one is already pending on {@code pending} (a burst is one pass). */
    private void askForPass(AtomicBoolean pending, Duration delay) {
        if (pending.compareAndSet(false, true)) {
            try {
                settle.schedule(() -> {
                    pending.set(false);
                    // Moved again: a list made between the event and now may predate the change (see SETTLE), so
                    // the pass asked for here must list.
                    epoch.incrementAndGet();
                    requestPass.run();
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    private void onEnd(String why) {
        live = false;
        epoch.incrementAndGet();
        LOG.debugf("engine event stream ended: %s", why);
        synchronized (ended) {
            streamEnded = true;
            ended.notifyAll();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // ending anyway
            }
        }
    }

    @Override
    public void close() {
        live = false;
        closed = true;
        settle.shutdownNow();
        thread.interrupt();
    }
}
