package io.hostlet.manifest;

/**
 * One validated {@code kind: Image} document: an image to keep present on the host whether or not a container
 * uses it. Image names are their own namespace: an Image and a Container may share a name.
 *
 * @param name            the manifest's name (hostlet's key for it, shown in status)
 * @param image           the reference to keep present, {@code repo:tag} or {@code repo@sha256:...}
 * @param imagePullPolicy {@code Always}: checked against the registry every resync and pulled when its digest moved;
 *                        {@code IfNotPresent}: pulled when missing; {@code Never}: only reported when missing
 * @param source          where it came from, for status and error messages
 */
public record ImageManifest(String name, String image, PullPolicy imagePullPolicy, SourceRef source) {
}
