package io.hostlet.api;

import io.hostlet.status.HostStatus;
import io.hostlet.reconcile.Reconciler;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the engine answers, the folder has been read and the last pass converged; says why not. */
@Readiness
public class ConvergedReadiness implements HealthCheck {

    private final Reconciler reconciler;

    public ConvergedReadiness(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    @Override
    public HealthCheckResponse call() {
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
