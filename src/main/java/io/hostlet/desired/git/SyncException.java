package io.hostlet.desired.git;

/** Why one sync did not apply the branch head; the applied commit stays in force. */
final class SyncException extends Exception {

    /** Whether trying again soon can help. */
    enum Kind {
        /** The remote could not be read (network, authentication, branch gone): retried with backoff. */
        FETCH,
        /** The head was read but must not be applied (not a fast-forward, unsigned, no such folder): retried at the
         * next poll, since only a new push can change the answer. */
        REFUSED
    }

    private final Kind kind;

    SyncException(String message, Kind kind) {
        super(message);
        this.kind = kind;
    }

    SyncException(String message, Kind kind, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
