package io.hostlet.manifest;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads typed values out of composed YAML nodes, recording a positioned error for anything unexpected.
 * Every reader returns null when the value is absent or was wrong, so callers can go on and find more errors.
 * {@code path} arguments name the value in messages, e.g. {@code spec.ports[0].containerPort}.
 */
final class NodeReader {

    /** Scalars whose text hostlet reads; anything else (binary, sets, custom or Java tags) is refused. */
    private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");
    private static final Set<String> TRUE = Set.of("true", "yes", "on");

    private final Problems problems;

    NodeReader(Problems problems) {
        this.problems = problems;
    }

    void error(Node node, String path, String message) {
        problems.at(node, prefix(path) + message);
    }

    /**
     * {@code node} as a mapping whose keys are checked: plain scalars, no duplicates, and all in {@code known}
     * (any key when {@code known} is null). Bad keys are reported and left out. Null when not a mapping.
     */
    Fields mapping(Node node, String path, List<String> known) {
        if (node == null || !allowedTag(node, path)) {
            return null;
        }
        if (!(node instanceof MappingNode mapping)) {
            error(node, path, "expected a mapping, got " + shown(node, path));
            return null;
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        Map<String, Node> firstKeys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode.getTag().equals(Tag.MERGE)) {
                problems.at(keyNode, "merge keys (<<) are not supported " + where(path));
                continue;
            }
            if (!(keyNode instanceof ScalarNode scalarKey) || !SCALAR_TAGS.contains(keyNode.getTag())) {
                error(keyNode, path, "expected a plain field name, got " + shown(keyNode, path));
                continue;
            }
            String key = scalarKey.getValue();
            Node first = firstKeys.putIfAbsent(key, keyNode);
            if (first != null) {
                // The composer leaves duplicate detection to the constructor, which we never run.
                problems.at(keyNode, "duplicate field " + (secret(path) && key.contains("=") ? "(not shown)" : quote(key))
                        + " " + where(path)
                        + " (first at line " + (first.getStartMark().getLine() + 1) + ")");
            } else if (known != null && !known.contains(key)) {
                String shownKey = secret(path) && key.contains("=") ? "(a name with '=', not shown)" : quote(key);
                problems.at(keyNode, "unknown field " + shownKey + " " + where(path)
                        + " (known: " + String.join(", ", known) + ")");
            } else {
                entries.put(key, tuple);
            }
        }
        return new Fields(mapping, path, entries);
    }

    /** The items of a list; null when absent or not a list. */
    List<Node> list(Node node, String path) {
        if (node == null || !allowedTag(node, path)) {
            return null;
        }
        if (!(node instanceof SequenceNode sequence)) {
            error(node, path, "expected a list, got " + shown(node, path));
            return null;
        }
        return sequence.getValue();
    }

    /** A list of strings; empty when absent, with bad items reported and left out. */
    List<String> stringList(Node node, String path) {
        List<Node> items = list(node, path);
        List<String> out = new ArrayList<>();
        if (items != null) {
            for (int i = 0; i < items.size(); i++) {
                String s = text(items.get(i), path + "[" + i + "]");
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The text of a scalar, numbers and booleans as written (so {@code user: 1000} gives "1000"). */
    String text(Node node, String path) {
        if (node == null || !allowedTag(node, path)) {
            return null;
        }
        if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
            error(node, path, "expected a string, got " + shown(node, path));
            return null;
        }
        return scalar.getValue();
    }

    /** A decimal integer in {@code min..max}; a quoted "80" is accepted like 80. */
    Integer integer(Node node, String path, int min, int max) {
        String s = scalarOrReport(node, path, "an integer " + min + "-" + max);
        if (s == null) {
            return null;
        }
        if (DIGITS.matcher(s).matches()) {
            long v = Long.parseLong(s);
            if (v >= min && v <= max) {
                return (int) v;
            }
        }
        error(node, path, "expected an integer " + min + "-" + max + ", got " + shown(node, path));
        return null;
    }

    /** A YAML boolean ({@code true}/{@code false}, and YAML 1.1's yes/no/on/off). */
    Boolean bool(Node node, String path) {
        String s = scalarOrReport(node, path, "true or false");
        if (s == null) {
            return null;
        }
        if (!node.getTag().equals(Tag.BOOL)) {
            error(node, path, "expected true or false, got " + shown(node, path));
            return null;
        }
        return TRUE.contains(s.toLowerCase());
    }

    /** One of {@code type}'s constants, spelled exactly as declared. */
    <E extends Enum<E>> E oneOf(Node node, String path, Class<E> type) {
        E[] values = type.getEnumConstants();
        String expected = "one of " + Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
        String s = scalarOrReport(node, path, expected);
        if (s == null) {
            return null;
        }
        for (E e : values) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        error(node, path, "expected " + expected + ", got " + shown(node, path));
        return null;
    }

    private String scalarOrReport(Node node, String path, String expected) {
        if (node == null || !allowedTag(node, path)) {
            return null;
        }
        if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
            error(node, path, "expected " + expected + ", got " + shown(node, path));
            return null;
        }
        return scalar.getValue();
    }

    private boolean allowedTag(Node node, String path) {
        Tag tag = node.getTag();
        boolean ok = node instanceof ScalarNode ? SCALAR_TAGS.contains(tag)
                : node instanceof SequenceNode ? tag.equals(Tag.SEQ) : tag.equals(Tag.MAP);
        if (!ok) {
            String value = tag.getValue();
            String shown = value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
            error(node, path, "tag " + shown + " is not allowed (hostlet reads plain YAML only)");
        }
        return ok;
    }

    /**
     * {@link #describe}, except under {@code spec.env}: env values are often secrets, and a mistake there (a
     * compose-style {@code - TOKEN=abc} item, a string for the list) must not copy one into status and logs, so a
     * scalar is only called "a string".
     */
    static String shown(Node node, String path) {
        if (secret(path) && node instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
            return "a string (not shown: env values may be secrets)";
        }
        if (command(path) && node instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
            // A compose-style `command: run --token abc` is a string where a list belongs: its words may hold one.
            return "a string (not shown: commands may hold secrets; write a list of words)";
        }
        return describe(node);
    }

    /** Whether values at {@code path} may be secrets and are never quoted in a message. */
    static boolean secret(String path) {
        return path.equals("spec.env") || path.startsWith("spec.env[") || path.startsWith("spec.env.");
    }

    /** Whether {@code path} is a command's words ({@code command}, {@code args}, a health check's {@code exec}),
     * which the spec label keeps only as digests and messages never quote. */
    static boolean command(String path) {
        for (String p : new String[] {"spec.command", "spec.args", "spec.healthcheck.exec"}) {
            if (path.equals(p) || path.startsWith(p + "[")) {
                return true;
            }
        }
        return false;
    }

    /** How a value appears in messages: a quoted scalar, {@code null}, {@code a list} or {@code a mapping}. */
    static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getTag().equals(Tag.NULL) ? "null" : quote(scalar.getValue());
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        SpecHash.quote(b, s.length() > 60 ? s.substring(0, 60) + "..." : s);
        return b.toString();
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    private static String where(String path) {
        return path.isEmpty() ? "at the top level" : "in " + path;
    }

    /** A mapping's accepted entries, by key. */
    final class Fields {
        private final MappingNode node;
        private final String path;
        private final Map<String, NodeTuple> entries;

        private Fields(MappingNode node, String path, Map<String, NodeTuple> entries) {
            this.node = node;
            this.path = path;
            this.entries = entries;
        }

        MappingNode node() {
            return node;
        }

        /** The path of the value under {@code key}. */
        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        /** The value under {@code key}; null when absent or written as null (which means the same). */
        Node get(String key) {
            NodeTuple t = entries.get(key);
            return t == null || t.getValueNode().getTag().equals(Tag.NULL) ? null : t.getValueNode();
        }

        /** Like {@link #get}, but a missing value is reported: at its key if written as null, else at this mapping. */
        Node required(String key) {
            Node value = get(key);
            if (value == null) {
                NodeTuple t = entries.get(key);
                problems.at(t == null ? node : t.getKeyNode(), path(key) + " is required");
            }
            return value;
        }

        /** Every accepted entry, in document order, with keys as written. */
        Map<String, NodeTuple> entries() {
            return entries;
        }
    }
}
