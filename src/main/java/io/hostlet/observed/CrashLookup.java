package io.hostlet.observed;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The details of crash-looping containers, read from the engine on demand by the observer: which containers need
 * them is known only once status has given each its phase, after the plan, so they cannot be part of the listing.
 * Whoever builds status asks through this and never holds the engine.
 */
public interface CrashLookup {

    /** Most lines of output a crash report shows. */
    int LOG_LINES = 20;

    /** How long fetched details are reused while the listing shows no change. */
    Duration REFRESH = Duration.ofSeconds(1);

    /**
     * How a container's last run went and, when shown at all, the last lines of its output.
     *
     * @param logTail null when output is not shown ({@code hostlet.status.log-tail} off)
     */
    record Details(LastRun run, List<String> logTail) {
    }

    /**
     * The details of {@code wanted} (each container with hostlet's own restart count of it), by container id, as of
     * {@code now}; a container whose details could not be read and were never read before is absent. Details of
     * containers not wanted any more are forgotten.
     */
    Map<String, Details> crashDetails(Map<ObservedContainer, Integer> wanted, Instant now);

    /** Nothing is crash-looping, or nothing may be asked: no details at all. */
    CrashLookup NONE = (wanted, now) -> Map.of();
}
