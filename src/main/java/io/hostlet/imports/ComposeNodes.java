package io.hostlet.imports;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the composed YAML of a compose file: mappings with YAML merge keys ({@code <<: *anchor}, which compose files
 * use for shared settings) applied, scalars with variables interpolated, and the line of every key for reports.
 */
final class ComposeNodes {

    /** One key of a mapping: its name, the key node (for its line) and the value node (may be a null scalar). */
    record Entry(String key, Node keyNode, Node value) {
        int line() {
            return ComposeNodes.line(keyNode);
        }
    }

    private final Interpolation interpolation;

    ComposeNodes(Interpolation interpolation) {
        this.interpolation = interpolation;
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /**
     * The keys of {@code node} in order, merges applied (a key written beside a merge wins); Skip if no mapping.
     * Extension keys ({@code x-...}) are left out, as compose ignores them wherever they are (they are kept only in
     * the user's own mappings: {@link #pairs}).
     */
    static List<Entry> entries(Node node) {
        return entries(node, false);
    }

    private static List<Entry> entries(Node node, boolean extensions) {
        if (!(node instanceof MappingNode map)) {
            throw new Skip(node, "expected a mapping");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        List<Entry> merged = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode().getTag().equals(Tag.MERGE) || isMergeKey(t.getKeyNode())) {
                List<Node> sources = t.getValueNode() instanceof SequenceNode seq ? seq.getValue() : List.of(t.getValueNode());
                for (Node source : sources) {
                    merged.addAll(entries(source, extensions));
                }
            } else if (t.getKeyNode() instanceof ScalarNode k) {
                if (!extensions && k.getValue().startsWith("x-")) {
                    continue;
                }
                out.put(k.getValue(), new Entry(k.getValue(), k, t.getValueNode()));
            } else {
                throw new Skip(t.getKeyNode(), "expected a plain key");
            }
        }
        for (Entry e : merged) {
            out.putIfAbsent(e.key(), e);
        }
        return new ArrayList<>(out.values());
    }

    private static boolean isMergeKey(Node key) {
        return key instanceof ScalarNode s && s.getValue().equals("<<") && s.getTag().equals(Tag.MERGE);
    }

    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    /** A scalar's text with variables resolved; null for a null scalar. */
    String text(Node node) {
        if (isNull(node)) {
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            throw new Skip(node, "expected a single value");
        }
        return interpolation.resolve(s.getValue());
    }

    /** A scalar that must be present. */
    String required(Node node) {
        String t = text(node);
        if (t == null) {
            throw new Skip(node, "no value");
        }
        return t;
    }

    /** The items of a sequence; Skip for anything else. */
    static List<Node> items(Node node) {
        if (!(node instanceof SequenceNode seq)) {
            throw new Skip(node, "expected a list");
        }
        return seq.getValue();
    }

    /** A sequence of scalars, or one scalar as a one-item list. */
    List<String> strings(Node node) {
        if (node instanceof SequenceNode seq) {
            List<String> out = new ArrayList<>();
            for (Node n : seq.getValue()) {
                out.add(required(n));
            }
            return out;
        }
        return List.of(required(node));
    }

    boolean bool(Node node) {
        return ComposeValues.bool(required(node));
    }

    /**
     * A compose "dictionary or list" ({@code environment}, {@code labels}, {@code sysctls}, {@code extra_hosts}):
     * {@code {K: V}} or {@code ["K=V"]} (any of {@code separators} between key and value in the list form); a key
     * without a value has a null raw value. Values are resolved one by one ({@link #value}), so one unset variable
     * costs one item.
     */
    static List<Pair> pairs(Node node, String separators) {
        List<Pair> out = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            for (Node n : seq.getValue()) {
                if (!(n instanceof ScalarNode s)) {
                    throw new Skip(n, "expected \"KEY" + separators.charAt(0) + "VALUE\"");
                }
                String item = s.getValue();
                int at = -1;
                for (char c : separators.toCharArray()) {
                    int i = item.indexOf(c);
                    if (i >= 0 && (at < 0 || i < at)) {
                        at = i;
                    }
                }
                out.add(at < 0 ? new Pair(item, null, n) : new Pair(item.substring(0, at), item.substring(at + 1), n));
            }
            return out;
        }
        for (Entry e : entries(node, true)) {
            if (!isNull(e.value()) && !(e.value() instanceof ScalarNode)) {
                throw new Skip(e.value(), "expected a single value for " + e.key());
            }
            out.add(new Pair(e.key(), isNull(e.value()) ? null : ((ScalarNode) e.value()).getValue(), e.keyNode()));
        }
        return out;
    }

    /** The value of the variable {@code name} (the environment over .env); null when it is unset. */
    String variable(String name) {
        return interpolation.variable(name);
    }

    /** A pair's value with variables resolved; null when it has none. */
    String value(Pair p) {
        return p.raw() == null ? null : interpolation.resolve(p.raw());
    }

    /** One item of a dictionary-or-list: key, value as written (null: none), and its node for the line. */
    record Pair(String key, String raw, Node node) {}
}
