package io.hostlet.desired;

import io.hostlet.manifest.ContainerManifest;
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
 */
public record DesiredState(
        Map<String, ContainerManifest> containers,
        Set<String> heldFiles,
        Set<String> heldNames,
        List<ManifestError> errors,
        boolean complete,
        String problem) {

    public DesiredState {
        containers = Map.copyOf(containers);
        heldFiles = Set.copyOf(heldFiles);
        heldNames = Set.copyOf(heldNames);
        errors = List.copyOf(errors);
    }

    /** The state before the first read: nothing known, so nothing may be removed. */
    public static DesiredState unknown(String why) {
        return new DesiredState(Map.of(), Set.of(), Set.of(), List.of(), false, why);
    }
}
