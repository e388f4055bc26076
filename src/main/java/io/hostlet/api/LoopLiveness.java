package io.hostlet.api;

import io.hostlet.lock.InstanceGate;
import io.hostlet.reconcile.LoopHealth;
import io.hostlet.reconcile.LoopView;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import java.time.Clock;
import java.time.Instant;

/**
 * Live while the reconcile loop keeps finishing passes: DOWN when its thread has ended, when a pass runs longer than the
 * longest legitimate one (a stop with the longest grace plus a pull with its timeout), or when, between passes, none
 * has ended for a resync interval and a minute (see {@link LoopView#stuck}). A restart is the cure for each.
 */
@Liveness
public class LoopLiveness implements HealthCheck {

    private final LoopView loop;
    private final Clock clock;
    private final InstanceGate gate;

    public LoopLiveness(LoopView loop, Clock clock, InstanceGate gate) {
        this.loop = loop;
        this.clock = clock;
        this.gate = gate;
    }

    @Override
    public HealthCheckResponse call() {
        if (!gate.held()) {
            // A standby waiting for another hostlet's instance lock is alive; restarting it would change nothing.
            return HealthCheckResponse.named("reconcile-loop").up().withData("waitingFor", "instance lock").build();
        }
        LoopHealth health = loop.health();
        Instant last = health.passStarted();
        Instant ended = health.passEnded();
        String stuck = loop.stuck(clock.instant());
        HealthCheckResponseBuilder b = HealthCheckResponse.named("reconcile-loop")
                .status(stuck == null)
                .withData("lastPassStarted", last == null ? "never" : last.toString())
                .withData("lastPassEnded", ended == null ? "never" : ended.toString());
        if (stuck != null) {
            b.withData("reason", stuck);
        }
        return b.build();
    }
}
