package io.hostlet.export;

/**
 * A manifest field that an export could not carry over, with where it was written. Rendered like a manifest error,
 * {@code file:line: name.field: not exported (why)}, so an editor can jump to it.
 *
 * @param file  the manifest file, relative to the manifests folder
 * @param line  1-based line of the field (of the document when the field's own line is unknown)
 * @param name  the manifest's {@code metadata.name}
 * @param field the field's path below the document, e.g. {@code spec.dependsOn} or {@code spec.ports[0].hostIP};
 *              {@code kind} when the whole manifest has no counterpart
 * @param why   what the target lacks, and what to do instead when there is something
 */
public record Dropped(String file, int line, String name, String field, String why) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + name + "." + field + ": not exported (" + why + ")";
    }
}
