package io.hostlet.api;

import io.hostlet.status.HostStatus;
import io.hostlet.lock.InstanceGate;
import io.hostlet.reconcile.LoopView;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Ready when this hostlet holds its instance lock, the engine answers, the folder has been read, the last pass
 * converged and it ended less than three resync intervals ago (a status older than that says nothing about now);
 * says why not.
 */
@Readiness
public class ConvergedReadiness implements HealthCheck {

    private final LoopView loop;
    private final InstanceGate gate;
    private final Clock clock;

    public ConvergedReadiness(LoopView loop, InstanceGate gate, Clock clock) {
        this.loop = loop;
        this.gate = gate;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        if (!gate.held()) {
            return HealthCheckResponse.named("converged").down().withData("reason", gate.reason()).build();
        }
        HostStatus s = loop.status();
        Instant ended = loop.health().passEnded();
        Duration stale = loop.resyncInterval().multipliedBy(3);
        String old = ended != null && Duration.between(ended, clock.instant()).compareTo(stale) > 0
                ? "the last pass ended " + Duration.between(ended, clock.instant()).toSeconds() + "s ago (more than 3"
                + " resync intervals)" : null;
        HealthCheckResponseBuilder b = HealthCheckResponse.named("converged")
                .status(s.converged() && old == null)
                .withData("desired", s.desiredCount())
                .withData("running", s.runningCount())
                .withData("failing", s.failingCount())
                .withData("unhealthy", s.unhealthyCount())
                .withData("manifestErrors", s.manifestErrors().size())
                .withData("imagesNotPresent", s.imagesNotPresentCount())
                .withData("engineReachable", s.engineReachable());
        if (old != null) {
            b.withData("reason", old);
        } else if (s.reason() != null) {
            b.withData("reason", s.reason());
        }
        return b.build();
    }
}
