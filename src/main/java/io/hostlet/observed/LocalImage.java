package io.hostlet.observed;

import java.util.List;

/** An image present on the engine: its id and the registry digests it is known under ({@code repo@sha256:...}). */
public record LocalImage(String id, List<String> repoDigests) {
    public LocalImage {
        repoDigests = List.copyOf(repoDigests);
    }
}
