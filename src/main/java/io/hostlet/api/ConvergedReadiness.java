package io.hostlet.api;

import io.hostlet.status.HostStatus;
import io.hostlet.lock.InstanceGate;
import io.hostlet.reconcile.Reconciler;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when this hostlet holds its instance lock, the engine answers, the folder has been read and the last pass
 * converged; says why not.
 */
@Readiness
public class ConvergedReadiness implements HealthCheck {

    private final Reconciler reconciler;
    private final InstanceGate gate;

    public ConvergedReadiness(Reconciler reconciler, InstanceGate gate) {
        this.reconciler = reconciler;
        this.gate = gate;
    }

    @Override
    public HealthCheckResponse call() {
        if (!gate.held()) {
            return HealthCheckResponse.named("converged").down().withData("reason", gate.reason()).build();
        }
        HostStatus s = reconciler.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("converged")
                .status(s.converged())
                .withData("desired", s.desiredCount())
                .withData("running", s.runningCount())
                .withData("failing", s.failingCount())
                .withData("unhealthy", s.unhealthyCount())
                .withData("manifestErrors", s.manifestErrors().size())
                .withData("imagesNotPresent", s.imagesNotPresentCount())
                .withData("engineReachable", s.engineReachable());
        if (s.reason() != null) {
            b.withData("reason", s.reason());
        }
        return b.build();
    }
}
