package io.hostlet.reconcile;

import io.hostlet.engine.Engine;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a subscription to the engine's container events so that a death is noticed within moments
 * rather than at the next resync. Events only ask for a pass. When the stream breaks (the engine
 * restarted, a timeout) it resubscribes with backoff and asks for a full pass, since events may have been
 * missed meanwhile.
 */
final class EngineEventsTrigger implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EngineEventsTrigger.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Engine engine;
    private final Runnable requestPass;
    private final Thread thread;
    private final Object ended = new Object();
    private volatile boolean closed;
    private boolean streamEnded;

    EngineEventsTrigger(Engine engine, Runnable requestPass) {
        this.engine = engine;
        this.requestPass = requestPass;
        this.thread = new Thread(this::loop, "hostlet-events");
        this.thread.setDaemon(true);
    }

    void start() {
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
                subscription = engine.events(requestPass, this::onEnd);
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

    private void onEnd(String why) {
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
        closed = true;
        thread.interrupt();
    }
}
