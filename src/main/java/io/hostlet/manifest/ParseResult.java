package io.hostlet.manifest;

import java.util.List;

/**
 * What {@link ManifestParser#parse} made of one file. A file is all or nothing: when {@code errors} is
 * non-empty the file is invalid as a whole and {@code manifests} is empty, even if some documents were fine,
 * so a half-edited file can never put half of its containers (or images) in force.
 *
 * @param manifests the file's containers, in document order
 * @param errors    every problem found, in file order
 * @param images    the file's {@code kind: Image} manifests, in document order
 */
public record ParseResult(List<ContainerManifest> manifests, List<ManifestError> errors, List<ImageManifest> images) {
    public ParseResult {
        manifests = List.copyOf(manifests);
        errors = List.copyOf(errors);
        images = List.copyOf(images);
    }

    /** A result without Image manifests. */
    public ParseResult(List<ContainerManifest> manifests, List<ManifestError> errors) {
        this(manifests, errors, List.of());
    }

    /** Whether the file is valid. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
