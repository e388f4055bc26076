package io.hostlet.reconcile;

/**
 * Told about every pass, on the loop's thread, after the pass published its status. Implementations are CDI beans
 * (found by type) and must be quick and must not block: the next pass waits for them. What one throws is logged and
 * contained; it never stops the loop or the other listeners.
 */
public interface PassListener {

    /** One pass ended with {@code report}. */
    void passEnded(PassReport report);
}
