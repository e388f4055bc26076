package io.hostlet.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the loop is asked for between passes, and when the next pass may start: requests for a pass (which carry no
 * payload and coalesce: any number of them while a pass is pending or running cause exactly one more), the operator's
 * retries, and previews of the next pass. A requested pass waits out its {@link Pacing pacing} while steps run beside
 * the loop; an unrequested one waits until its wake-up (a backoff's expiry or the resync).
 *
 * <p>Thread-safe: anything may ask; one thread {@link #await awaits}.
 */
public final class PassQueue {

    /** What pacing looks at when a pass is requested, asked afresh each time the waiter wakes. */
    public interface Load {

        /** How many steps run beside the loop now. */
        int inFlight();

        /** Whether the source has a change no pass has read (see {@code DesiredSource#unread}). */
        boolean unread();
    }

    private final Clock clock;
    private final Object signal = new Object();
    private boolean requested;
    /** Names whose refused spec an operator asked to retry, taken by the next pass. */
    private final Queue<String> retries = new ConcurrentLinkedQueue<>();
    /** Previews of the next pass asked for, served by the loop thread between passes. */
    private final Queue<CompletableFuture<PlanPreview>> previews = new ConcurrentLinkedQueue<>();

    public PassQueue(Clock clock) {
        this.clock = clock;
    }

    /** Asks for a pass; requests made while one is pending or running coalesce into one. */
    public void request() {
        synchronized (signal) {
            requested = true;
            signal.notifyAll();
        }
    }

    /** Asks the next pass, which this requests, to try {@code name}'s refused spec again. */
    public void retry(String name) {
        retries.add(name);
        request();
    }

    /** The retries asked for since the last call, oldest first. */
    public List<String> takeRetries() {
        List<String> out = new ArrayList<>();
        for (String name; (name = retries.poll()) != null; ) {
            out.add(name);
        }
        return out;
    }

    /** Asks for a preview of the next pass; the returned future is completed by the loop thread. */
    public CompletableFuture<PlanPreview> preview() {
        CompletableFuture<PlanPreview> f = new CompletableFuture<>();
        previews.add(f);
        synchronized (signal) {
            signal.notifyAll();
        }
        return f;
    }

    /**
     * Answers the previews asked for, all with the one plan {@code pass} makes for the first, on the caller's thread
     * (the loop's: the observer is not thread-safe, and a preview must not race a pass).
     */
    void servePreviews(Pass pass) throws InterruptedException {
        List<CompletableFuture<PlanPreview>> asked = new ArrayList<>();
        for (CompletableFuture<PlanPreview> f; (f = previews.poll()) != null; ) {
            asked.add(f);
        }
        if (asked.isEmpty()) {
            return;
        }
        try {
            PlanPreview preview = pass.preview();
            asked.forEach(f -> f.complete(preview));
        } catch (RuntimeException e) {
            asked.forEach(f -> f.completeExceptionally(e));
        }
    }

    /**
     * Waits until a pass is due (true, and the request is taken), or until a preview is asked for (false). A pass is
     * due when it was requested and its pacing, given {@code load} and when the last pass started, has passed; or
     * when {@code wakeAt} has come.
     */
    public boolean await(Instant wakeAt, Load load, Instant lastPassStarted) throws InterruptedException {
        synchronized (signal) {
            while (true) {
                long ms = requested
                        ? Pacing.rest(load.inFlight(), load.unread(), lastPassStarted, clock.instant()).toMillis()
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
}
