package io.hostlet.export;

import io.hostlet.manifest.SourceRef;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the line a field was written on, so that a report points at the field rather than at its document.
 * The parsed manifests keep only where each document starts; the files were valid a moment ago (the export reads
 * only what validation accepted), so reading their node tree again is cheap and safe.
 */
public interface FieldLines {

    /**
     * The 1-based line of {@code path} (keys, and list indexes as {@link Integer}s) inside the document at
     * {@code ref}; the document's own line when the path cannot be found.
     */
    int line(SourceRef ref, Object... path);

    /** Every field reported at its document's line: for manifests that come from no file. */
    FieldLines DOCUMENT = (ref, path) -> ref.line();

    /** Lines read from the files under {@code folder}; each file is composed once and kept. */
    static FieldLines of(Path folder) {
        Map<String, List<Node>> documents = new HashMap<>();
        return (ref, path) -> {
            List<Node> roots = documents.computeIfAbsent(ref.file(), file -> compose(folder.resolve(file)));
            for (Node root : roots) {
                if (root.getStartMark().getLine() + 1 == ref.line()) {
                    Node found = find(root, path);
                    return found == null ? ref.line() : found.getStartMark().getLine() + 1;
                }
            }
            return ref.line();
        };
    }

    private static List<Node> compose(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            // The file was accepted by the parser, whose bounds are tighter; these only keep this reader from
            // doing more than it did.
            options.setMaxAliasesForCollections(50);
            options.setCodePointLimit(text.length() + 1);
            List<Node> roots = new java.util.ArrayList<>();
            new Yaml(options).composeAll(new java.io.StringReader(text)).forEach(roots::add);
            return roots;
        } catch (IOException | RuntimeException e) {
            // The line is a convenience: a file that changed since it was read reports at its document's line.
            return List.of();
        }
    }

    /** The key node of the last path element (the item for an index), or null. */
    private static Node find(Node node, Object... path) {
        Node at = node;
        Node found = null;
        for (Object step : path) {
            found = null;
            if (step instanceof Integer index && at instanceof SequenceNode seq && index < seq.getValue().size()) {
                found = seq.getValue().get(index);
                at = found;
            } else if (step instanceof String key && at instanceof MappingNode map) {
                for (NodeTuple tuple : map.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                        found = k;
                        at = tuple.getValueNode();
                        break;
                    }
                }
            }
            if (found == null) {
                return null;
            }
        }
        return found;
    }
}
