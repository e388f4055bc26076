package io.hostlet.observed;

import java.time.Instant;

/**
 * How a container's last run went, from one inspect. Asked only for containers that keep exiting, to explain
 * the crash loop in status; everything else is known from the list call.
 *
 * @param restartCount how often the engine's own restart policy restarted it
 * @param exitCode     the last exit code; null when it has not exited yet
 * @param oomKilled    whether the kernel killed it for running out of memory
 * @param startedAt    when the last run started; null when unknown
 * @param finishedAt   when the last run ended; null when it has not ended or unknown
 */
public record LastRun(int restartCount, Integer exitCode, boolean oomKilled, Instant startedAt, Instant finishedAt) {
}
