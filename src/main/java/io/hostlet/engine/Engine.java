package io.hostlet.engine;

import io.hostlet.observed.LastRun;
import io.hostlet.observed.LocalImage;
import io.hostlet.observed.LocalImages;
import io.hostlet.observed.ObservedState;

import io.hostlet.manifest.ContainerManifest;

import java.time.Duration;
import java.util.Map;

/**
 * The container engine as hostlet needs it: one call to observe, one call per action. Every call has a
 * timeout and reports failure as {@link EngineException}. The Docker implementation is the only place that
 * knows the engine's client library.
 */
public interface Engine {

    /** Checks that the engine answers; returns its version. */
    String ping();

    /** Lists this instance's managed containers (one call) and its managed networks (a second call). */
    ObservedState observe();

    /** Creates a bridge network carrying {@code labels}; returns its id. */
    String createNetwork(String name, Map<String, String> labels);

    /** Removes a network by id. */
    void removeNetwork(String id);

    /** Pulls an image (with the registry's credentials, if configured); blocks until done. */
    void pullImage(String image);

    /**
     * The digest of the manifest the registry serves for {@code image} now, without pulling (Docker's
     * {@code GET /distribution/{name}/json}). Throws {@link EngineException.Kind#PULL_FAILED} with the registry's
     * words when it refuses or cannot be reached.
     */
    String registryDigest(String image);

    /** The local image named {@code image}; null when the engine does not have it. */
    LocalImage localImage(String image);

    /** Every tagged or digested image on the engine, with one list call. Made only in passes that need it. */
    LocalImages listImages();

    /**
     * Removes the reference {@code reference} without force, and only while it still names the image
     * {@code expectedId} (a precondition, like a delete with a UID): an image someone re-pointed the reference at is
     * refused with {@link EngineException.Kind#CONFLICT}, and so is one a container still uses (the engine's own
     * refusal). When the image has other references, only this one goes. Already gone is fine.
     */
    void removeImage(String reference, String expectedId);

    /**
     * Creates (does not start) a container for {@code m} named {@code name} (the manifest's name, or a replacement
     * name while the container it replaces still exists) with {@code labels}, attached to its networks with the
     * network alias {@code m.name()} on each (so that during a replacement clients resolving the name find one of the
     * two), mounting each of {@code carried} (a container's anonymous volumes, decided by the planner) at its path, so
     * a replacement keeps their data. A container left half-made (a network it could not join) is removed before
     * this throws. Throws {@link EngineException.Kind#IMAGE_MISSING} when the image is absent and
     * {@link EngineException.Kind#CONFLICT} when the name is taken.
     */
    String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                           java.util.List<io.hostlet.observed.AnonymousVolume> carried);

    /**
     * As {@link #createContainer(ContainerManifest, String, Map, java.util.List)}, but without the manifest's name as a
     * network alias when {@code alias} is false: a StartFirst replacement must not receive the name's traffic before it
     * passed its gate (it gets the alias with {@link #rejoinNetwork} then).
     */
    default String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                   java.util.List<io.hostlet.observed.AnonymousVolume> carried, boolean alias) {
        return createContainer(m, name, labels, carried);
    }

    /**
     * Takes the running container {@code id} off {@code network} and joins it again with exactly {@code aliases}:
     * Docker can neither add nor drop an alias of an endpoint. It gets its address back (the engine hands out the
     * lowest free address, which is the one just freed), so connections to it stall for a TCP retransmit instead of
     * breaking; its processes keep running. A container (or network) that is not there, or not joined, is left as it
     * is: this never joins a container to a network it was not on.
     */
    default void rejoinNetwork(String id, String network, java.util.List<String> aliases) {
        throw new UnsupportedOperationException("rejoinNetwork");
    }

    /**
     * Renames a container (Docker's rename: the id, state and mounts stay; the engine's DNS follows the new name).
     * Throws {@link EngineException.Kind#CONFLICT} when {@code newName} is taken.
     */
    void renameContainer(String id, String newName);

    /** Starts a created or exited container. */
    void startContainer(String id);

    /** Sends SIGTERM, waits up to {@code grace}, then SIGKILL. A container already stopped is fine. */
    void stopContainer(String id, Duration grace);

    /**
     * Removes a container, never its volumes, anonymous or named: an anonymous volume of a removed container stays
     * until {@code docker volume prune} (docker compose's default too). Gone already is fine.
     */
    void removeContainer(String id);

    /**
     * The last {@code lines} lines of the container's output (stdout and stderr interleaved), at most 4 KiB in
     * all, fetched within a few seconds; whatever arrived by then. For status of crash-looping containers only.
     */
    java.util.List<String> logTail(String id, int lines);

    /** How the container's last run went (one inspect). For status of crash-looping containers only. */
    LastRun lastRun(String id);

    /**
     * One container as an inspect shows it (one call): for the container API and for restart counts of containers
     * whose state changed. Throws {@link EngineException.Kind#NOT_FOUND} when it is gone.
     */
    io.hostlet.observed.ContainerDetails inspect(String id);

    /**
     * Copies the container's last {@code tail} lines of output (stdout and stderr interleaved, as the engine stores
     * them) to {@code out}, bounded by the ordinary call timeout. Never follows: a follow would hold a connection of
     * the client the loop's stops, pulls and event stream share; follows have a client of their own
     * ({@link LogFollows}).
     */
    void logs(String id, int tail, java.io.OutputStream out) throws java.io.IOException;

    /**
     * Streams this instance's container events (die, start, stop, destroy, oom, health_status). Returns at once;
     * {@code onStart} is called when the engine has accepted the subscription (from then on no change is missed).
     * Each event calls {@code onEvent}, which asks for a pass; with the container's id for a {@code start} (the end of
     * a restart by the engine's policy, so its restart count may have moved and is asked again), null for the others
     * (a pause, a health status: nothing to inspect, so a no-op pass stays at its list calls). When the stream ends for
     * any reason, {@code onEnd} is called once with why. Closing the handle ends the stream quietly.
     */
    AutoCloseable events(Runnable onStart, java.util.function.Consumer<String> onEvent,
                         java.util.function.Consumer<String> onEnd);

    /** How many engine API calls this adapter has made so far (for benchmarks and metrics). */
    long apiCalls();

    /**
     * The host paths every container on the engine (of any instance or none) bind-mounts writable, each with the name
     * of one container that does: one list call, made only right before creating a container with bind mounts (a bind
     * inside one of these could meet a symlink that container planted).
     */
    default Map<String, String> writableBinds() {
        return Map.of();
    }

    /**
     * Host paths the engine keeps for itself, which no container may bind-mount: its data-root ({@code docker info}'s
     * {@code DockerRootDir}) and, when {@code ownContainer} is the id of the container hostlet runs in, the host side
     * of that container's mounts by the path hostlet sees them at (mount destination to host source). One or two calls.
     */
    default HostView hostView(String ownContainer) {
        return new HostView(null, Map.of());
    }

    /**
     * What the engine says of the host's file system, for the policy.
     *
     * @param dataRoot the engine's data-root; null when unknown
     * @param mounts   hostlet's own container's mounts, destination to host source; empty when it runs on the host
     */
    record HostView(String dataRoot, Map<String, String> mounts) {
        public HostView {
            mounts = Map.copyOf(mounts);
        }
    }
}
