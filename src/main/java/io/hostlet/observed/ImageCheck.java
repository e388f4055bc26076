package io.hostlet.observed;

/**
 * What the registry and the engine say about one image reference whose pull policy is {@code Always}, checked
 * once per resync interval (two calls: the registry's digest through the engine's distribution endpoint, which
 * pulls nothing, and an inspect of the local image).
 *
 * @param image          the reference as manifests write it
 * @param registryDigest the manifest digest the registry serves for it now
 * @param localId        the id of the local image of that name; null when there is none
 * @param current        whether the local image is the registry's (its repo digests include the registry's digest)
 */
public record ImageCheck(String image, String registryDigest, String localId, boolean current) {
}
