package io.hostlet.reconcile;

/**
 * One desired or managed container in status.
 *
 * @param containerId the engine's id, null when there is no container
 * @param restarts    how often hostlet restarted it after it exited
 * @param source      the manifest file (relative to the folder), null when unknown
 * @param revision    the source revision (git commit) the container was created from; null for a plain folder
 * @param message     why it is in this phase, for a person; null when there is nothing to say
 */
public record ContainerStatus(String name, Phase phase, String image, String containerId, int restarts,
                              String source, String revision, String message) {
}
