package io.hostlet.manifest;

/**
 * A problem in a manifest file, with the position a person can jump to.
 * {@code line} and {@code column} are 1-based; 0 when the whole file is meant (for example unreadable).
 */
public record ManifestError(String file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
