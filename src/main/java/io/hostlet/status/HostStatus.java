package io.hostlet.status;

import io.hostlet.desired.SourceInfo;
import io.hostlet.manifest.ManifestError;

import java.time.Instant;
import java.util.List;

/**
 * What the last pass found, published whole after every pass.
 *
 * @param converged        the engine answered, the folder was read, and the last pass had nothing left to do
 * @param lastReconcile    when the last pass that reached the engine finished; null before the first
 * @param engineReachable  whether the engine answered in the last pass
 * @param sourceComplete   whether the manifests folder could be read
 * @param reason           why hostlet is not converged, for readiness; null when converged
 * @param containers       desired and managed containers, by name
 * @param manifestErrors   problems in manifest files
 * @param source           where desired state comes from, and its revision
 * @param lastPass         what the last pass cost; null before the first
 * @param images           desired {@code kind: Image} manifests, by name
 * @param mode             {@code act}, or {@code observe} when hostlet only plans ({@code hostlet.mode})
 */
public record HostStatus(boolean converged, Instant lastReconcile, boolean engineReachable, boolean sourceComplete,
                         String reason, List<ContainerStatus> containers, List<ManifestError> manifestErrors,
                         SourceInfo source, PassStats lastPass, List<ImageStatus> images, String mode) {

    /** {@link #mode} when hostlet acts on its plans. */
    public static final String ACT = "act";
    /** {@link #mode} when hostlet only plans. */
    public static final String OBSERVE = "observe";

    public HostStatus {
        containers = List.copyOf(containers);
        manifestErrors = List.copyOf(manifestErrors);
        images = List.copyOf(images);
        mode = mode == null ? ACT : mode;
    }

    /** A status of a hostlet that acts. */
    public HostStatus(boolean converged, Instant lastReconcile, boolean engineReachable, boolean sourceComplete,
                      String reason, List<ContainerStatus> containers, List<ManifestError> manifestErrors,
                      SourceInfo source, PassStats lastPass, List<ImageStatus> images) {
        this(converged, lastReconcile, engineReachable, sourceComplete, reason, containers, manifestErrors, source,
                lastPass, images, ACT);
    }

    /** The same status in {@code newMode}. */
    public HostStatus withMode(String newMode) {
        return new HostStatus(converged, lastReconcile, engineReachable, sourceComplete, reason, containers,
                manifestErrors, source, lastPass, images, newMode);
    }

    /** The same status, not converged because of {@code why}. */
    HostStatus notConverged(String why) {
        return new HostStatus(false, lastReconcile, engineReachable, sourceComplete, why, containers,
                manifestErrors, source, lastPass, images, mode);
    }

    /** Before the first pass. */
    public static HostStatus starting() {
        return new HostStatus(false, null, false, false, "no reconcile pass yet", List.of(), List.of(), null, null,
                List.of());
    }

    /** Not acting at all, for {@code reason} (e.g. another hostlet holds this instance's lock). */
    public static HostStatus idle(String reason) {
        return new HostStatus(false, null, false, false, reason, List.of(), List.of(), null, null, List.of());
    }

    /** The same status with the cost of the pass that produced it. */
    HostStatus withLastPass(PassStats stats) {
        return new HostStatus(converged, lastReconcile, engineReachable, sourceComplete, reason, containers,
                manifestErrors, source, stats, images, mode);
    }

    /** The same status with other container entries. */
    public HostStatus withContainers(List<ContainerStatus> newContainers) {
        return new HostStatus(converged, lastReconcile, engineReachable, sourceComplete, reason, newContainers,
                manifestErrors, source, lastPass, images, mode);
    }

    /** Desired images that are not present (yet). */
    public long imagesNotPresentCount() {
        return images.stream().filter(i -> i.phase() != ImageStatus.Phase.Present).count();
    }

    /** How many containers are wanted (everything not being removed). */
    public long desiredCount() {
        return containers.stream().filter(c -> c.phase() != Phase.Removing).count();
    }

    public long runningCount() {
        return containers.stream().filter(c -> c.phase() == Phase.Running).count();
    }

    /** Containers whose health check fails. */
    public long unhealthyCount() {
        return containers.stream().filter(c -> "unhealthy".equals(c.health())).count();
    }

    public long failingCount() {
        return containers.stream().filter(c -> c.phase().failing()).count();
    }
}
