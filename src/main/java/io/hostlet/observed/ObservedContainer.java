package io.hostlet.observed;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One managed container as the engine's list call shows it; nothing here needs a per-container inspect.
 *
 * @param exitCode the last exit code when {@code state} is EXITED, DEAD or RESTARTING and the engine said it; else null
 * @param health   what the container's health check says, from the list call's status text
 * @param imageId  the id of the image it runs ({@code sha256:...}); null when unknown
 * @param anonymousVolumes the engine-named volumes mounted in it (from the list call's {@code Mounts}), which a
 *                         recreate carries over
 * @param binds    the host paths of its bind mounts as the engine holds them (the list call's {@code Mounts}), which
 *                 the policy checks for planted symlinks
 */
public record ObservedContainer(
        String id,
        String name,
        String image,
        Map<String, String> labels,
        State state,
        Integer exitCode,
        Instant created,
        List<String> networks,
        Health health,
        String imageId,
        List<AnonymousVolume> anonymousVolumes,
        List<String> binds) {

    public ObservedContainer {
        labels = Map.copyOf(labels);
        networks = List.copyOf(networks);
        health = health == null ? Health.NONE : health;
        anonymousVolumes = anonymousVolumes == null ? List.of() : List.copyOf(anonymousVolumes);
        binds = binds == null ? List.of() : List.copyOf(binds);
    }

    /** A container without bind mounts. */
    public ObservedContainer(String id, String name, String image, Map<String, String> labels, State state,
                             Integer exitCode, Instant created, List<String> networks, Health health, String imageId,
                             List<AnonymousVolume> anonymousVolumes) {
        this(id, name, image, labels, state, exitCode, created, networks, health, imageId, anonymousVolumes, List.of());
    }

    /** A container without anonymous volumes. */
    public ObservedContainer(String id, String name, String image, Map<String, String> labels, State state,
                             Integer exitCode, Instant created, List<String> networks, Health health, String imageId) {
        this(id, name, image, labels, state, exitCode, created, networks, health, imageId, List.of());
    }

    /** The same container with {@code health}. */
    public ObservedContainer withHealth(Health h) {
        return new ObservedContainer(id, name, image, labels, state, exitCode, created, networks, h, imageId,
                anonymousVolumes, binds);
    }

    /** The same container running image {@code id}. */
    public ObservedContainer withImageId(String id) {
        return new ObservedContainer(this.id, name, image, labels, state, exitCode, created, networks, health, id,
                anonymousVolumes, binds);
    }

    /** Docker's health states; {@code NONE} when the container has no health check (or is not running). */
    public enum Health {
        NONE, STARTING, HEALTHY, UNHEALTHY;

        /** As status shows it: null for NONE, else the lowercase word. */
        public String display() {
            return this == NONE ? null : name().toLowerCase();
        }
    }

    /** The engine's container states. */
    public enum State { CREATED, RUNNING, PAUSED, RESTARTING, REMOVING, EXITED, DEAD, UNKNOWN }

    /** The manifest name hostlet gave it ({@code io.hostlet.name}). */
    public String managedName() {
        return labels.get(Labels.NAME);
    }

    /** The spec hash it was created with ({@code io.hostlet.spec-hash}). */
    public String specHash() {
        return labels.get(Labels.SPEC_HASH);
    }

    /** The names it was created to depend on ({@code io.hostlet.depends-on}); empty when none. */
    public List<String> dependsOn() {
        String s = labels.get(Labels.DEPENDS_ON);
        return s == null || s.isBlank() ? List.of() : List.of(s.split(","));
    }

    /** The manifest file it came from ({@code io.hostlet.source}). */
    public String source() {
        return labels.get(Labels.SOURCE);
    }
}
