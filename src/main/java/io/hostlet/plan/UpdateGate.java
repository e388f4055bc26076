package io.hostlet.plan;

import io.hostlet.manifest.ContainerSpec;
import io.hostlet.observed.ObservedContainer;

import java.time.Instant;

/**
 * The health gate of an update, judged from what is observed and when: the new container must be healthy (when it
 * has a health check) or running for {@code minReady} without a restart, within {@code progressDeadline} of its
 * start. It fails at once when the container exited, restarted or is unhealthy. Pure.
 */
final class UpdateGate {

    private UpdateGate() {
    }

    /** Passed, failed (with why), or not decided yet (with when to look again). */
    sealed interface Verdict permits Pass, Fail, Pending {
    }

    /** The new container may stay. */
    record Pass(String why) implements Verdict {
    }

    /** The new container failed; {@code reason} says how. */
    record Fail(String reason) implements Verdict {
    }

    /** Not decided; look again at {@code until} at the latest (events may wake the loop sooner). */
    record Pending(Instant until, String waitingFor) implements Verdict {
    }

    static Verdict judge(ObservedContainer c, ContainerSpec spec, Updates.InProgress u, int restarts, Instant now) {
        Instant since = u.clock();
        Instant deadline = since.plus(spec.update().progressDeadline());
        String within = " within progressDeadline (" + spec.update().progressDeadline().toSeconds() + "s)";
        switch (c.state()) {
            case EXITED, DEAD -> {
                return new Fail("the new container exited with code " + (c.exitCode() == null ? "unknown" : c.exitCode()));
            }
            case RESTARTING -> {
                return new Fail("the new container keeps exiting (the engine restarts it)");
            }
            default -> {
            }
        }
        if (restarts > 0) {
            return new Fail("the new container restarted " + restarts + " time(s)");
        }
        if (c.state() != ObservedContainer.State.RUNNING) {
            return now.isBefore(deadline) ? new Pending(deadline, "the new container to run")
                    : new Fail("the new container did not run" + within);
        }
        boolean checked = spec.healthcheck() != null || c.health() != ObservedContainer.Health.NONE;
        if (checked) {
            return switch (c.health()) {
                case HEALTHY -> new Pass("healthy");
                case UNHEALTHY -> new Fail("the new container is unhealthy: its health check fails");
                default -> now.isBefore(deadline) ? new Pending(deadline, "the new container to be healthy")
                        : new Fail("the new container was not healthy" + within);
            };
        }
        Instant ready = since.plus(spec.update().minReady());
        if (!now.isBefore(ready)) {
            return new Pass("ran " + spec.update().minReady().toSeconds() + "s (minReady) without a restart");
        }
        return new Pending(ready.isBefore(deadline) ? ready : deadline,
                "the new container to run " + spec.update().minReady().toSeconds() + "s (minReady) without a restart");
    }
}
