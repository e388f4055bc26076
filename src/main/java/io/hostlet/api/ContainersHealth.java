package io.hostlet.api;

import io.hostlet.status.ContainerStatus;
import io.hostlet.status.HostStatus;
import io.hostlet.status.Phase;
import io.hostlet.reconcile.LoopView;
import io.smallrye.health.api.HealthGroup;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.util.List;

/**
 * {@code /q/health/group/containers}: UP when every desired container runs and passes its health check (a
 * container without one only has to run; a finished one-shot container, phase {@code Succeeded}, counts as
 * fine). DOWN otherwise, naming the containers that are not. Unlike readiness, this is about the workloads,
 * not about hostlet: a container can be unhealthy while hostlet has converged.
 */
@HealthGroup("containers")
public class ContainersHealth implements HealthCheck {

    private final LoopView loop;

    public ContainersHealth(LoopView loop) {
        this.loop = loop;
    }

    @Override
    public HealthCheckResponse call() {
        HostStatus s = loop.status();
        List<ContainerStatus> wanted = s.containers().stream().filter(c -> c.phase() != Phase.Removing).toList();
        List<String> notRunning = wanted.stream()
                .filter(c -> c.phase() != Phase.Running && c.phase() != Phase.Succeeded && c.phase() != Phase.Suspended)
                .map(c -> c.name() + " (" + c.phase() + ")").toList();
        List<String> notHealthy = wanted.stream()
                .filter(c -> c.phase() == Phase.Running && c.health() != null && !"healthy".equals(c.health()))
                .map(c -> c.name() + " (" + c.health() + ")").toList();
        // Before the first pass nothing is known: that is not "all fine".
        boolean up = s.lastReconcile() != null && notRunning.isEmpty() && notHealthy.isEmpty();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("containers")
                .status(up)
                .withData("desired", wanted.size())
                .withData("healthy", wanted.size() - notRunning.size() - notHealthy.size());
        if (!notRunning.isEmpty()) {
            b.withData("notRunning", String.join(", ", notRunning));
        }
        if (!notHealthy.isEmpty()) {
            b.withData("notHealthy", String.join(", ", notHealthy));
        }
        if (s.lastReconcile() == null) {
            b.withData("reason", "no reconcile pass yet");
        }
        return b.build();
    }
}
