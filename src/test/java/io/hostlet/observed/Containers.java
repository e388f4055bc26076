package io.hostlet.observed;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link ObservedContainer}s for tests by naming the fields that matter to the case instead of writing all
 * ten positionally: {@code Containers.container("id-web", "web").state(EXITED).exitCode(1).build()}, or
 * {@code Containers.from(c).state(RUNNING).build()} for a variation of one.
 */
public final class Containers {

    private Containers() {
    }

    /** A running container with no labels, image, networks or health check, created at the epoch. */
    public static Builder container(String id, String name) {
        return new Builder(id, name);
    }

    /** A builder starting from every field of {@code c}. */
    public static Builder from(ObservedContainer c) {
        return new Builder(c.id(), c.name()).image(c.image()).labels(c.labels()).state(c.state())
                .exitCode(c.exitCode()).created(c.created()).networks(c.networks()).health(c.health())
                .imageId(c.imageId()).anonymousVolumes(c.anonymousVolumes());
    }

    /** The fields of one container, each settable by name. */
    public static final class Builder {
        private String id;
        private String name;
        private String image;
        private Map<String, String> labels = Map.of();
        private ObservedContainer.State state = ObservedContainer.State.RUNNING;
        private Integer exitCode;
        private Instant created = Instant.EPOCH;
        private List<String> networks = List.of();
        private ObservedContainer.Health health = ObservedContainer.Health.NONE;
        private String imageId;
        private List<AnonymousVolume> anonymousVolumes = List.of();

        private Builder(String id, String name) {
            this.id = id;
            this.name = name;
        }

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder image(String v) {
            image = v;
            return this;
        }

        public Builder labels(Map<String, String> v) {
            labels = v;
            return this;
        }

        public Builder state(ObservedContainer.State v) {
            state = v;
            return this;
        }

        public Builder exitCode(Integer v) {
            exitCode = v;
            return this;
        }

        public Builder created(Instant v) {
            created = v;
            return this;
        }

        public Builder networks(List<String> v) {
            networks = v;
            return this;
        }

        public Builder health(ObservedContainer.Health v) {
            health = v;
            return this;
        }

        public Builder imageId(String v) {
            imageId = v;
            return this;
        }

        public Builder anonymousVolumes(List<AnonymousVolume> v) {
            anonymousVolumes = v;
            return this;
        }

        public ObservedContainer build() {
            return new ObservedContainer(id, name, image, labels, state, exitCode, created, networks, health, imageId,
                    anonymousVolumes);
        }
    }
}
