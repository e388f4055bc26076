package io.hostlet.imports;

/**
 * A compose key that an import could not carry over, with where it was written. Rendered like a compiler warning,
 * {@code file:line: services.web.key: not converted (why)}, so an editor can jump to it.
 *
 * @param file the compose file as named on the command line
 * @param line 1-based line of the key
 * @param key  the key's path in the compose file, e.g. {@code services.web.ports[1]} or {@code volumes.data.driver}
 * @param why  what hostlet lacks, and what to do instead when there is something
 */
public record NotConverted(String file, int line, String key, String why) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + key + ": not converted (" + why + ")";
    }
}
