package io.hostlet.status;

/** A container's phase as status shows it; names follow Kubernetes where they mean the same. */
public enum Phase {
    /** Wanted but not running yet (about to be created or started). */
    Pending,
    /** Running. */
    Running,
    /** Exited with code 0 and its restart policy says leave it. */
    Succeeded,
    /** Exited non-zero and its restart policy says leave it, or could not be created or started. */
    Failed,
    /** Keeps exiting; restarts are backing off. */
    CrashLoopBackOff,
    /** Its image is missing or could not be pulled; retries are backing off. */
    ImagePullBackOff,
    /** Its name is taken by a container hostlet does not own, or two manifests claim it. */
    Conflict,
    /** Managed, no longer wanted, being removed. */
    Removing,
    /** Its manifest says {@code suspend: true}: stopped (or being stopped) and kept, not restarted. */
    Suspended,
    /**
     * An update failed its gate and was rolled back: the previous spec runs, and the manifest's spec is not tried
     * again until it changes or an operator asks for a retry.
     */
    RolledBack;

    /** Whether this phase needs a person's attention. */
    public boolean failing() {
        return this == Failed || this == CrashLoopBackOff || this == ImagePullBackOff || this == Conflict
                || this == RolledBack;
    }
}
