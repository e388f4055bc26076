package io.hostlet.api;

import io.hostlet.lock.InstanceGate;
import io.hostlet.reconcile.Reconciler;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Live while the reconcile loop keeps starting passes. Passes are at most one resync interval apart, and a
 * pass is bounded by engine-call timeouts, so three intervals plus a minute of silence means it is stuck.
 */
@Liveness
public class LoopLiveness implements HealthCheck {

    private final Reconciler reconciler;
    private final Clock clock;
    private final InstanceGate gate;
    private final Instant bootedAt;

    public LoopLiveness(Reconciler reconciler, Clock clock, InstanceGate gate) {
        this.reconciler = reconciler;
        this.clock = clock;
        this.gate = gate;
        this.bootedAt = clock.instant();
    }

    @Override
    public HealthCheckResponse call() {
        if (!gate.held()) {
            // A standby waiting for another hostlet's instance lock is alive; restarting it would change nothing.
            return HealthCheckResponse.named("reconcile-loop").up().withData("waitingFor", "instance lock").build();
        }
        Instant last = reconciler.lastPassStarted();
        Duration allowed = reconciler.resyncInterval().multipliedBy(3).plusMinutes(1);
        Instant since = last == null ? bootedAt : last;
        boolean alive = Duration.between(since, clock.instant()).compareTo(allowed) < 0;
        return HealthCheckResponse.named("reconcile-loop")
                .status(alive)
                .withData("lastPassStarted", last == null ? "never" : last.toString())
                .build();
    }
}
