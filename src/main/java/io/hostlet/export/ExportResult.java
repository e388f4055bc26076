package io.hostlet.export;

import java.util.List;

/**
 * What an export produced: the files to write (in order) and every field it had to leave out.
 *
 * @param files   file name (no folder) and content, in the order they are written
 * @param dropped fields with no counterpart in the target, sorted by file and line
 */
public record ExportResult(List<OutputFile> files, List<Dropped> dropped) {

    public ExportResult {
        files = List.copyOf(files);
        // By file and line, as a compiler lists warnings: the order to walk through them in an editor.
        dropped = dropped.stream().sorted(java.util.Comparator.comparing(Dropped::file).thenComparingInt(Dropped::line))
                .toList();
    }

    /** One file of an export. */
    public record OutputFile(String name, String content) {}
}
