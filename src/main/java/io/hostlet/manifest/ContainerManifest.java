package io.hostlet.manifest;

import java.util.Map;

/**
 * One validated {@code kind: Container} document: what a user asked to run under one name.
 *
 * @param name   the Docker container name (also hostlet's key for it)
 * @param labels user labels copied onto the container
 * @param spec   the container's desired configuration
 * @param source where it came from, for status, labels and error messages
 */
public record ContainerManifest(String name, Map<String, String> labels, ContainerSpec spec, SourceRef source) {
    public ContainerManifest {
        labels = Map.copyOf(labels);
    }
}
