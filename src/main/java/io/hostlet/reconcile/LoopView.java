package io.hostlet.reconcile;

import io.hostlet.status.HostStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * What the API and the health checks may ask the reconcile loop: its status, its last report, a preview of its next
 * pass, an operator's retry and whether it is alive. Nothing else of the loop is theirs to reach.
 */
public interface LoopView {

    /** The status published by the last pass ({@code starting} before the first). */
    HostStatus status();

    /** The report of the last pass; null before the first. */
    PassReport lastReport();

    /**
     * A preview of the next pass (see {@link PlanPreview}), made on the loop's thread between passes. Completes
     * exceptionally with {@link IllegalStateException} while the loop does not run, or with the engine's error.
     */
    CompletableFuture<PlanPreview> previewNextPass();

    /** Asks for the spec of {@code name} refused after a rollback to be tried again; the next pass does. */
    void retry(String name);

    /** The loop's timings now, which liveness and readiness judge it by. */
    LoopHealth health();

    /** Why the loop is not alive at {@code now}, or null when it is (see {@link LoopHealth#stuck}). */
    String stuck(Instant now);

    /** The resync interval, which bounds how long passes may be apart. */
    Duration resyncInterval();
}
