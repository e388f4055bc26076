package io.hostlet.lock;

import io.hostlet.config.HostletConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;

/**
 * Lets hostlet act only while it holds its {@link InstanceLock}. At start it tries the lock; when it gets it, it
 * fires {@link Acquired}, which is what starts the reconcile loop. When another hostlet holds it, this one does
 * not act: it says so in its log, in status and readiness ({@link #reason}), stays up and tries again every
 * {@link #RETRY}, so it takes over when the other one stops (a warm standby rather than a crash loop: the reason
 * stays readable on the API, and systemd or a restart policy has nothing to do).
 */
@ApplicationScoped
public class InstanceGate {

    /** Fired once, when the lock is held: the loop may start acting. */
    public record Acquired() {
    }

    static final Duration RETRY = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(InstanceGate.class);

    private final HostletConfig config;
    private final Event<Acquired> acquired;
    private final InstanceLock lock;
    private volatile String reason = "instance lock not tried yet";
    private volatile boolean held;
    private volatile boolean stopping;
    private Thread waiter;

    public InstanceGate(HostletConfig config, Event<Acquired> acquired) {
        this.config = config;
        this.acquired = acquired;
        this.lock = new InstanceLock(config.stateDir(), config.instance());
    }

    void onStart(@Observes StartupEvent ev) {
        if (attempt(true)) {
            return;
        }
        waiter = new Thread(this::waitForLock, "hostlet-instance-lock");
        waiter.setDaemon(true);
        waiter.start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        stopping = true;
        if (waiter != null) {
            waiter.interrupt();
        }
        // The lock is released by the OS when the process exits, after the loop has stopped.
    }

    private void waitForLock() {
        while (!stopping) {
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (attempt(false)) {
                return;
            }
        }
    }

    /** One try; fires {@link Acquired} on success. */
    private boolean attempt(boolean first) {
        boolean got;
        try {
            got = lock.tryAcquire();
        } catch (IOException e) {
            got = false;
            String why = "cannot use the instance lock " + lock.file().toAbsolutePath() + ": " + e.getMessage()
                    + "; not acting, retrying every " + RETRY.toSeconds() + " s";
            if (!why.equals(reason)) {
                LOG.error(why);
            }
            reason = why;
            return false;
        }
        if (!got) {
            String why = "another hostlet runs instance '" + config.instance() + "' (" + lock.holder() + ", holding "
                    + lock.file().toAbsolutePath() + "); this one does not act and retries every " + RETRY.toSeconds() + " s";
            if (first || !why.equals(reason)) {
                LOG.error(why);
            }
            reason = why;
            return false;
        }
        if (stopping) {
            return true;
        }
        held = true;
        reason = null;
        if (!first) {
            LOG.infof("instance lock %s acquired: starting", lock.file().toAbsolutePath());
        }
        acquired.fire(new Acquired());
        return true;
    }

    /** Whether this hostlet holds its instance lock (and so may act). */
    public boolean held() {
        return held;
    }

    /** Why this hostlet does not act; null while it holds the lock. */
    public String reason() {
        return held ? null : reason;
    }
}
