package io.hostlet.observed;

import java.time.Instant;

/**
 * One container as a single inspect shows it: what the list call does not carry (start and finish times, the
 * engine's restart count, the last exit). Asked for one container at a time (the container API, restart counts of
 * containers whose state changed), never for every container every pass.
 *
 * @param id           the engine's id
 * @param name         the Docker name, without the leading slash
 * @param state        the engine's state word ({@code running}, {@code exited}, ...)
 * @param image        the image reference it was created with
 * @param imageId      the id of the image it runs
 * @param createdAt    when it was created; null when unknown
 * @param startedAt    when its last run started; null when it never ran
 * @param finishedAt   when its last run ended; null when it has not ended
 * @param restartCount how often the engine's own restart policy restarted it
 * @param exitCode     the last exit code; null when it has not exited yet, and while it runs (its start resets it)
 * @param oomKilled    whether the kernel killed its last run for running out of memory
 * @param health       {@code starting}, {@code healthy}, {@code unhealthy}; null without a health check
 * @param error        the engine's error text for its last start (e.g. a missing bind source); null when none
 */
public record ContainerDetails(String id, String name, String state, String image, String imageId, Instant createdAt,
                               Instant startedAt, Instant finishedAt, int restartCount, Integer exitCode,
                               boolean oomKilled, String health, String error) {

    /** How the last run went, as crash reports need it. */
    public LastRun lastRun() {
        return new LastRun(restartCount, exitCode, oomKilled, startedAt, finishedAt);
    }
}
