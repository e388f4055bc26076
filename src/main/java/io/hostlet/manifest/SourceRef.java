package io.hostlet.manifest;

/**
 * A position in the manifests folder: the file relative to the folder (with {@code /} separators)
 * and the 1-based line where the document starts.
 */
public record SourceRef(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
