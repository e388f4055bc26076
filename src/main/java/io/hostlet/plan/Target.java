package io.hostlet.plan;

import java.util.Objects;

/**
 * What a step acts on and what a backoff is kept for: a container, a network or an image, by name. Its string form
 * ({@code container:web}, {@code network:app}, {@code image:busybox:1}) is what rendered plans and logs show.
 *
 * @param kind what sort of object
 * @param name the container's manifest name, the network's name, or the image reference as manifests write it
 */
public record Target(Kind kind, String name) {

    /** The sorts of object hostlet acts on; the lowercase name is the prefix of the string form. */
    public enum Kind { container, network, image }

    public Target {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static Target container(String name) {
        return new Target(Kind.container, name);
    }

    public static Target network(String name) {
        return new Target(Kind.network, name);
    }

    public static Target image(String reference) {
        return new Target(Kind.image, reference);
    }

    @Override
    public String toString() {
        return kind + ":" + name;
    }
}
