package io.hostlet.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * hostlet's settings, from application.properties, {@code -D} or environment ({@code HOSTLET_MANIFESTS_DIR}).
 */
@ConfigMapping(prefix = "hostlet")
public interface HostletConfig {

    /** The manifests folder. */
    Manifests manifests();

    /** A full observe-plan-apply pass runs at least this often, even when nothing was signalled. */
    @WithDefault("30s")
    Duration resyncInterval();

    /** The engine. */
    Docker docker();

    /**
     * This hostlet's name on the engine ({@code io.hostlet.instance}); it sees and touches only objects
     * carrying it, so several hostlets can share one engine without fighting.
     */
    @WithDefault("default")
    String instance();

    /** How many container actions run at once. */
    @WithDefault("8")
    int parallelism();

    /** The manifests folder settings. */
    interface Manifests {
        /** The folder watched, with its subfolders. */
        @WithDefault("manifests")
        Path dir();
    }

    /** Engine settings. */
    interface Docker {
        /** Engine address; when absent, {@code DOCKER_HOST}, else {@code unix:///var/run/docker.sock}. */
        Optional<String> host();

        /** Bound on every ordinary engine call (pulls and stops get their own, longer bound). */
        @WithDefault("30s")
        Duration timeout();
    }
}
