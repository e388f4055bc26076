package io.hostlet.desired;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.ManifestError;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole desired state as one source last read it. Sources always deliver a complete snapshot,
 * never deltas, so a missed or repeated read cannot do harm.
 *
 * @param containers  manifests in force, by container name (for a file with errors: its last good version)
 * @param heldFiles   files (relative paths) that currently have errors: containers whose source label names
 *                    one of them are never removed, whether or not a last good version exists
 * @param heldNames   names claimed by more than one manifest: whatever runs under them is left alone
 * @param errors      every manifest problem, for status
 * @param complete    whether the folder itself could be read; when false nothing may be removed
 * @param problem     why the read was incomplete (null when complete)
 * @param images      {@code kind: Image} manifests in force, by name (a namespace of their own: an Image and a
 *                    Container may share a name); last good versions for files with errors, like containers
 * @param heldImages  Image names claimed by more than one manifest: neither claim is applied
 */
public record DesiredState(
        Map<String, ContainerManifest> containers,
        Set<String> heldFiles,
        Set<String> heldNames,
        List<ManifestError> errors,
        boolean complete,
        String problem,
        Map<String, ImageManifest> images,
        Set<String> heldImages) {

    public DesiredState {
        containers = Map.copyOf(containers);
        heldFiles = Set.copyOf(heldFiles);
        heldNames = Set.copyOf(heldNames);
        errors = List.copyOf(errors);
        images = Map.copyOf(images);
        heldImages = Set.copyOf(heldImages);
    }

    /** A state without Image manifests. */
    public DesiredState(Map<String, ContainerManifest> containers, Set<String> heldFiles, Set<String> heldNames,
                        List<ManifestError> errors, boolean complete, String problem) {
        this(containers, heldFiles, heldNames, errors, complete, problem, Map.of(), Set.of());
    }

    /**
     * Whether image garbage collection may act on this state: the folder was read completely and no manifest has
     * an error of any kind (syntax, duplicate names, dependencies). A file with errors may be the one that still
     * wants an image, so while any exists nothing is judged unused.
     */
    public boolean settled() {
        return complete && errors.isEmpty() && heldFiles.isEmpty() && heldNames.isEmpty() && heldImages.isEmpty();
    }

    /** The state before the first read: nothing known, so nothing may be removed. */
    public static DesiredState unknown(String why) {
        return new DesiredState(Map.of(), Set.of(), Set.of(), List.of(), false, why);
    }
}
