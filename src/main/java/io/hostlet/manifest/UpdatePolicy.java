package io.hostlet.manifest;

import java.time.Duration;

/**
 * How a container is replaced when its spec changes (or its image moves under {@code Always}): {@code spec.update}.
 * A planner decision, never part of the spec hash: changing it recreates nothing.
 *
 * @param strategy         {@link Strategy#StopFirst} (old stopped, then the new one started) or
 *                         {@link Strategy#StartFirst} (the new one runs beside the old until it passes the gate)
 * @param progressDeadline how long the new container has to pass the gate after it was started
 * @param minReady         how long a new container without a health check must run without a restart to pass
 * @param rollback         whether a failed gate brings the old spec back; false: the new one stays and backs off
 */
public record UpdatePolicy(Strategy strategy, Duration progressDeadline, Duration minReady, boolean rollback) {

    /** StopFirst, 60 s, 5 s, rollback on. */
    public static final UpdatePolicy DEFAULT = new UpdatePolicy(Strategy.StopFirst, Duration.ofSeconds(60),
            Duration.ofSeconds(5), true);

    /** Which container runs while the other is replaced. */
    public enum Strategy {
        /** Stop the old container, then start the new one: never both at once (host ports, single-writer volumes). */
        StopFirst,
        /** Start the new one beside the old one and stop the old one only once the new one passed the gate. */
        StartFirst
    }
}
