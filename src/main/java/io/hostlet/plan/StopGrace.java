package io.hostlet.plan;

import io.hostlet.manifest.ContainerSpec;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;

import java.time.Duration;

/**
 * The grace period an observed container is stopped with: the one it was created with, read from its label, because
 * the manifest may have changed since (or be gone).
 */
final class StopGrace {

    private StopGrace() {
    }

    /** The grace period the container was created with, from its label; the default when absent or unreadable. */
    static Duration of(ObservedContainer c) {
        String s = c.labels().get(Labels.STOP_GRACE);
        try {
            return s == null ? ContainerSpec.DEFAULT_STOP_GRACE : Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return ContainerSpec.DEFAULT_STOP_GRACE;
        }
    }
}
