package io.hostlet.imports;

import java.util.Comparator;
import java.util.List;

/**
 * What an import produced.
 *
 * @param files    one manifest file per converted service: file name (no folder) and content, by name
 * @param dropped  every key not carried over, by line
 * @param notices  what the person must do for the output to work (copy an env file, allow a policy rule); these
 *                 are not losses: the manifests say what compose said
 */
public record ImportResult(List<OutputFile> files, List<NotConverted> dropped, List<String> notices) {

    public ImportResult {
        files = files.stream().sorted(Comparator.comparing(OutputFile::name)).toList();
        dropped = dropped.stream().sorted(Comparator.comparingInt(NotConverted::line).thenComparing(NotConverted::key))
                .toList();
        notices = List.copyOf(notices);
    }

    /** The dropped keys below {@code services.<service>}. */
    public List<NotConverted> droppedOf(String service) {
        String prefix = "services." + service;
        return dropped.stream().filter(d -> d.key().equals(prefix) || d.key().startsWith(prefix + ".")
                || d.key().startsWith(prefix + "[")).toList();
    }

    /** One manifest file. */
    public record OutputFile(String name, String content) {}
}
