package io.hostlet.desired;

/**
 * Where desired state comes from (a folder, a git checkout, later an API). A source delivers whole
 * snapshots and signals "something may have changed" without saying what; the reconciler then reads.
 */
public interface DesiredSource extends AutoCloseable {

    /** The whole desired state now. Called from the reconcile thread only. */
    DesiredState read();

    /** What status shows about this source, as of the last {@link #read}. */
    SourceInfo info();

    /**
     * The resync timer fired: the next {@link #read} must look at everything afresh, trusting no watcher (a source
     * may skip reading what its watcher says has not changed; missed notifications are caught here).
     */
    default void resyncRequested() {
    }

    /**
     * Whether the source has noticed a change that no {@link #read} has picked up yet. A question the loop asks, not
     * a payload of the notice: with it the loop does not hold a pass that brings new desired state behind the steps
     * in flight (see the reconciler's pacing). False when the source cannot tell.
     */
    default boolean unread() {
        return false;
    }

    /** Starts whatever watches the source; {@code onChange} asks for a pass and carries no payload. */
    void start(Runnable onChange);

    @Override
    void close();
}
