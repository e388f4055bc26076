package io.hostlet.engine;

import java.util.Locale;

/**
 * The kind of an engine's refusal, from its HTTP status and its words. Every message-text match of the adapter lives
 * here, with the engine and version that needs it, so callers decide on {@link EngineException.Kind}s only.
 */
final class EngineErrors {

    private EngineErrors() {
    }

    /** What a refusal of an ordinary call means. */
    static EngineException.Kind kind(int status, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (status == 409) {
            return EngineException.Kind.CONFLICT;
        }
        // Podman answers a name taken by another container with 500 "... is already in use" (Docker: 409).
        if (status == 500 && m.contains("is already in use")) {
            return EngineException.Kind.CONFLICT;
        }
        if (status == 404) {
            return EngineException.Kind.NOT_FOUND;
        }
        return EngineException.Kind.FAILED;
    }

    /**
     * Whether a create's refusal says the image is absent. Docker: 404 "No such image: NAME"; Podman: 404 "no such
     * image: docker.io/NAME: image not known".
     */
    static boolean imageMissing(int status, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return status == 404 && (m.contains("no such image") || m.contains("image not known"));
    }

    /**
     * Whether a rename's refusal means the container is being restarted by the engine, not that it is gone: Docker 26
     * answers 404 "sandbox ... not found" when asked to rename a container that crashed right after its start.
     */
    static boolean renameWhileRestarting(int status, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return status == 404 && m.contains("sandbox") && !m.contains("no such container");
    }
}
