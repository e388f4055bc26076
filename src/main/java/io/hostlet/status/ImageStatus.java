package io.hostlet.status;

/**
 * One desired {@code kind: Image} in status.
 *
 * @param name    the Image manifest's name
 * @param image   the reference it keeps present
 * @param phase   where it stands
 * @param imageId the local image's id; null when it is not present
 * @param source  the manifest file (relative to the folder)
 * @param message why it is in this phase, for a person; null when there is nothing to say
 */
public record ImageStatus(String name, String image, Phase phase, String imageId, String source, String message) {

    /** An Image's phase; names follow Kubernetes' image states where they mean the same. */
    public enum Phase {
        /** On the host. */
        Present,
        /** Not known to be present yet (the local images were not listed). */
        Pending,
        /** Being pulled in this pass (missing, or its registry digest moved under {@code Always}). */
        Pulling,
        /** A pull failed; retries are backing off. */
        ImagePullBackOff,
        /** Missing, and {@code imagePullPolicy: Never} forbids hostlet to pull it. */
        ErrImageNeverPull,
        /** Two Image manifests claim the name; neither is applied. */
        Conflict
    }
}
