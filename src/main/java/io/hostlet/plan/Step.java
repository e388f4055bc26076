package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;

import java.time.Duration;
import java.time.Instant;

/**
 * One thing the plan asks for, with its cause. Steps are data: the executor runs them without deciding
 * anything, and a plan's rendering is the oracle of the planner's tests.
 */
public sealed interface Step {

    /** What the step acts on, e.g. {@code container:web} or {@code network:app}. */
    String target();

    /** Why the planner chose it, in words for a person. */
    String cause();

    /** The step's kind as shown in a rendered plan. */
    default String action() {
        return getClass().getSimpleName();
    }

    /**
     * The spec a backoff on this target must match to hold: a failed create of one spec must not delay the
     * create of a corrected one. Empty for steps that do not depend on a spec.
     */
    default String gateHash() {
        return "";
    }

    /** Whether the executor has anything to do for it ({@link Wait} is only a note). */
    default boolean isAction() {
        return true;
    }

    /** Create a managed bridge network. */
    record CreateNetwork(String name, String cause) implements Step {
        public String target() {
            return "network:" + name;
        }
    }

    /** Remove a managed network no desired container needs. */
    record RemoveNetwork(String name, String id, String cause) implements Step {
        public String target() {
            return "network:" + name;
        }
    }

    /**
     * Pull an image: its pull policy is {@code Always} and the registry serves another digest than the local image
     * has (or there is none), or an Image manifest wants it and it is missing. Pulls run before container steps, each
     * image once per pass.
     */
    record PullImage(String image, String registryDigest, String cause) implements Step {
        public String target() {
            return "image:" + image;
        }

        /** Any failure to get the image holds: the backoff is per image, whatever the digest. */
        @Override
        public String gateHash() {
            return image;
        }
    }

    /**
     * Remove an image hostlet pulled and nothing wants any more (opt-in garbage collection, see {@link ImageGc}): by
     * reference, without force, and only while the reference still names {@code imageId}.
     */
    record RemoveImage(String image, String imageId, String cause) implements Step {
        public String target() {
            return "image:" + image;
        }

        /** A failed removal backs off for this image id; a pull backoff on the same reference is another matter. */
        @Override
        public String gateHash() {
            return imageId;
        }
    }

    /** Create and start a container; a container that fails to start is removed again. */
    record CreateContainer(ContainerManifest manifest, String specHash, String cause) implements Step {
        public String target() {
            return "container:" + manifest.name();
        }

        @Override
        public String gateHash() {
            return specHash;
        }
    }

    /** Stop and remove {@code oldId}, then create and start the container anew. */
    record RecreateContainer(String oldId, Duration oldGrace, ContainerManifest manifest, String specHash, String cause)
            implements Step {
        public String target() {
            return "container:" + manifest.name();
        }

        @Override
        public String gateHash() {
            return specHash;
        }
    }

    /** Start an existing container; {@code restart} when it had exited, which counts against its backoff. */
    record StartContainer(String id, String name, String specHash, boolean restart, String cause) implements Step {
        public String target() {
            return "container:" + name;
        }

        @Override
        public String gateHash() {
            return specHash;
        }
    }

    /**
     * Stop (with grace) and start a running container again: it is unhealthy and its manifest asks for
     * {@code restartOnUnhealthy}. Counts against its backoff like a restart after a crash.
     */
    record RestartContainer(String id, String name, Duration grace, String specHash, String cause) implements Step {
        public String target() {
            return "container:" + name;
        }

        @Override
        public String gateHash() {
            return specHash;
        }
    }

    /** Stop (with grace) and remove a managed container. */
    record RemoveContainer(String id, String name, Duration grace, String cause) implements Step {
        public String target() {
            return "container:" + name;
        }
    }

    /**
     * A removal the {@link PruneGuard} refused: the container stays as it is, and {@code cause} says why. A note,
     * like {@link Wait}; the next pass decides afresh.
     */
    record HoldRemoval(String target, String cause) implements Step {
        @Override
        public boolean isAction() {
            return false;
        }
    }

    /**
     * Nothing to do for now: the target is backing off until {@code until}, or (with {@code until} null) it waits
     * for other containers, which engine events or the resync will show. Kept in the plan for status and wake-up.
     */
    record Wait(String target, Instant until, String cause) implements Step {
        @Override
        public boolean isAction() {
            return false;
        }
    }
}
