package io.hostlet.engine;

/** An engine call that failed, classified so callers can decide without parsing messages. */
public class EngineException extends RuntimeException {

    /** What went wrong, as far as the caller needs to know. */
    public enum Kind {
        /** The engine did not answer (down, socket missing, timed out). */
        UNREACHABLE,
        /** The object is gone. */
        NOT_FOUND,
        /** A name is taken by an object hostlet does not own. */
        CONFLICT,
        /** The image is not on the engine (and the pull policy did not allow fetching it). */
        IMAGE_MISSING,
        /** The image could not be pulled. */
        PULL_FAILED,
        /**
         * The engine refused because it is restarting the container right now (it stopped right after its start):
         * Docker 26 refuses to rename such a container ("sandbox ... not found").
         */
        RESTARTING,
        /** Anything else the engine refused (bad config, port in use, ...). */
        FAILED
    }

    private final Kind kind;

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
