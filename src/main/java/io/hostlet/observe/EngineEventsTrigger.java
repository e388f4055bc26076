package io.hostlet.observe;

import io.hostlet.engine.Engine;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
    /**
     * When passes are asked for after an event, counted from the first event of a burst. The first coalesces a burst
     * (die, stop) and sees what the engine shows at once (a start, a health change). The later ones are there because
     * the engine sends "die" before its list call shows the container as exited or restarting: on Docker 20.10 here
     * the list showed it 87-136 ms after the event, for a kill and for an exit of its own alike, on an idle engine
     * (so the 20 ms pass saw the container still running). 120 ms sees most exits; 250 ms the rest on an idle engine;
     * 500 ms those of a busy engine, which before waited for the next event or the resync.
     */
    static final List<Duration> FOLLOW_UPS = List.of(Duration.ofMillis(20), Duration.ofMillis(120),
            Duration.ofMillis(250), Duration.ofMillis(500));

    private final Engine engine;
    private final Runnable requestPass;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "hostlet-events-follow-up");
        t.setDaemon(true);
        return t;
    });
    /** One per delay of {@link #FOLLOW_UPS}. */
    private final List<FollowUp> followUps;
    private final AtomicLong epoch = new AtomicLong();
    /** Containers an event was about since the last {@link #drainTouched()}. */
    private final java.util.Set<String> touched = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean live;
    private final Thread thread;
    private final Object ended = new Object();
    private volatile boolean closed;
    private boolean streamEnded;

    public EngineEventsTrigger(Engine engine, Runnable requestPass) {
        this(engine, requestPass, FOLLOW_UPS);
    }

    /** With other follow-up delays: tests shorten them. */
    EngineEventsTrigger(Engine engine, Runnable requestPass, List<Duration> followUps) {
        this.engine = engine;
        this.requestPass = requestPass;
        this.followUps = followUps.stream().map(d -> new FollowUp(d, new AtomicBoolean())).toList();
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
        followUps.forEach(this::askForPass);
    }

    /** A pass asked for {@code delay} after an event, and whether it is scheduled (a burst asks for it once). */
    private record FollowUp(Duration delay, AtomicBoolean scheduled) {
    }

    /** Asks for the follow-up's pass after its delay, unless it is already scheduled (a burst is one pass). */
    private void askForPass(FollowUp followUp) {
        AtomicBoolean pending = followUp.scheduled();
        if (pending.compareAndSet(false, true)) {
            try {
                timer.schedule(() -> {
                    pending.set(false);
                    // Moved again: a list made between the event and now may predate the change (see FOLLOW_UPS), so
                    // the pass asked for here must list.
                    epoch.incrementAndGet();
                    requestPass.run();
                }, followUp.delay().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    /** Whether no follow-up pass is scheduled or being asked for; for tests. */
    boolean idle() {
        return timer.getQueue().isEmpty() && timer.getActiveCount() == 0;
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
        timer.shutdownNow();
        thread.interrupt();
    }
}
