package io.hostlet.status;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One desired or managed container in status.
 *
 * @param containerId the engine's id, null when there is no container
 * @param restarts    how often it was restarted: by hostlet after it exited, plus by the engine's restart policy
 *                    (its {@code RestartCount}), like kubectl's RESTARTS
 * @param source      the manifest file (relative to the folder), null when unknown
 * @param revision    the source revision (git commit) the container was created from; null for a plain folder
 * @param message     why it is in this phase, for a person; null when there is nothing to say
 * @param health      {@code starting}, {@code healthy} or {@code unhealthy}; null when it has no health check
 * @param crashLoop   why it keeps exiting; only in phase {@code CrashLoopBackOff} (left out of JSON otherwise)
 * @param createdAt   when the engine created the container (from the list call, so a client can show its age, as
 *                    {@code docker ps} does); null when there is none
 * @param rolledBack  the spec refused after a failed update; only in phase {@code RolledBack} (left out of JSON
 *                    otherwise)
 */
public record ContainerStatus(String name, Phase phase, String image, String containerId, int restarts,
                              String source, String revision, String message, String health,
                              @JsonInclude(JsonInclude.Include.NON_NULL) CrashLoop crashLoop, Instant createdAt,
                              @JsonInclude(JsonInclude.Include.NON_NULL) RolledBack rolledBack) {

    /** An entry that was not rolled back. */
    public ContainerStatus(String name, Phase phase, String image, String containerId, int restarts, String source,
                           String revision, String message, String health, CrashLoop crashLoop, Instant createdAt) {
        this(name, phase, image, containerId, restarts, source, revision, message, health, crashLoop, createdAt, null);
    }

    /** A container without health or crash-loop details. */
    public ContainerStatus(String name, Phase phase, String image, String containerId, int restarts, String source,
                           String revision, String message) {
        this(name, phase, image, containerId, restarts, source, revision, message, null, null, null);
    }

    /** An entry without its creation time. */
    public ContainerStatus(String name, Phase phase, String image, String containerId, int restarts, String source,
                           String revision, String message, String health, CrashLoop crashLoop) {
        this(name, phase, image, containerId, restarts, source, revision, message, health, crashLoop, null);
    }

    /** The same entry with {@code n} restarts. */
    public ContainerStatus withRestarts(int n) {
        return new ContainerStatus(name, phase, image, containerId, n, source, revision, message, health, crashLoop,
                createdAt, rolledBack);
    }

    /** The same entry with {@code newMessage}. */
    public ContainerStatus withMessage(String newMessage) {
        return new ContainerStatus(name, phase, image, containerId, restarts, source, revision, newMessage, health,
                crashLoop, createdAt, rolledBack);
    }

    /** The same entry with crash-loop details and {@code message}. */
    public ContainerStatus withCrashLoop(CrashLoop c, String newMessage) {
        return new ContainerStatus(name, phase, image, containerId, restarts, source, revision, newMessage, health, c,
                createdAt, rolledBack);
    }

    /**
     * What status says about an update that was rolled back: the container runs its previous spec (its
     * {@code revision} is the commit it runs), and hostlet does not try the refused one again until the manifest
     * changes or an operator asks ({@code POST /api/v1/containers/{name}/retry}, {@code hostlet retry NAME}).
     *
     * @param failedSpecHash  the refused spec hash
     * @param reason          why its gate failed
     * @param at              when it was rolled back
     * @param refusedRevision the source revision (git commit) of the refused spec; null for a plain folder
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RolledBack(String failedSpecHash, String reason, Instant at, String refusedRevision) {
    }

    /**
     * What status says about a container that keeps exiting.
     *
     * @param restarts   restarts so far: hostlet's plus the engine's own (its restart policy acts first)
     * @param exitCode   the last exit code; null when unknown
     * @param oomKilled  whether the last run was killed for running out of memory
     * @param lastExitAt when the last run ended; null when unknown
     * @param nextTryAt  when it is started again: hostlet's backoff, or an estimate of the engine's (100 ms
     *                   doubling to 1 min); null when unknown
     * @param logTail    the last lines of its output (at most 20 lines, 4 KiB); null unless
     *                   {@code hostlet.status.log-tail} is on (output may hold secrets)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CrashLoop(int restarts, Integer exitCode, boolean oomKilled, Instant lastExitAt, Instant nextTryAt,
                            List<String> logTail) {
        public CrashLoop {
            logTail = logTail == null ? null : List.copyOf(logTail);
        }
    }
}
