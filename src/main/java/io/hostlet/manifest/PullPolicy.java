package io.hostlet.manifest;

/** When hostlet pulls an image, with Kubernetes' meanings. */
public enum PullPolicy {
    /** Pull whenever a container is created. */
    Always,
    /** Pull only when the engine does not have the image. */
    IfNotPresent,
    /** Never pull; a missing image is an error. */
    Never;

    /** Kubernetes' default: {@code Always} for {@code :latest} or an untagged reference, else {@code IfNotPresent}. */
    public static PullPolicy defaultFor(String image) {
        if (image.contains("@")) {
            return IfNotPresent;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > slash;
        return !tagged || image.endsWith(":latest") ? Always : IfNotPresent;
    }
}
