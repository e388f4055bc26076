package io.hostlet.api;

import io.hostlet.config.HostletConfig;
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
 * not about hostlet: a container can be unhealthy while hostlet has converged. With {@code hostlet.api.token-file} set,
 * it counts them instead, since health needs no token.
 */
@HealthGroup("containers")
public class ContainersHealth implements HealthCheck {

    /**
     * Health needs no token, but with one set the API's content is for its holders: a count instead of the names
     * (which say what runs on the host), as status under the token tells them.
     */
    static final String NAMES_HIDDEN = " (names in /api/v1/status, with the API token)";

    private final LoopView loop;
    private final boolean namesHidden;

    public ContainersHealth(LoopView loop, HostletConfig config) {
        this.loop = loop;
        this.namesHidden = config.api().tokenFile().isPresent();
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
            b.withData("notRunning", namesHidden ? notRunning.size() + NAMES_HIDDEN : String.join(", ", notRunning));
        }
        if (!notHealthy.isEmpty()) {
            b.withData("notHealthy", namesHidden ? notHealthy.size() + NAMES_HIDDEN : String.join(", ", notHealthy));
        }
        if (s.lastReconcile() == null) {
            b.withData("reason", "no reconcile pass yet");
        }
        return b.build();
    }
}
