package io.hostlet.manifest;

/** What happens when a container's process exits, with Kubernetes' meanings. */
public enum RestartPolicy {
    /** Always start it again. */
    Always,
    /** Start it again only after a non-zero exit. */
    OnFailure,
    /** Leave it exited. */
    Never;

    /** Whether a container that exited with {@code exitCode} should be started again. */
    public boolean restarts(int exitCode) {
        return switch (this) {
            case Always -> true;
            case OnFailure -> exitCode != 0;
            case Never -> false;
        };
    }
}
