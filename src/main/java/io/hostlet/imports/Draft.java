package io.hostlet.imports;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One manifest being written, as a tree whose leaves remember the compose key they came from ({@link Item}): so a
 * field that hostlet's own parser refuses can be taken out again and reported at the compose line that asked for it.
 * Maps are {@code LinkedHashMap<String, Object>} (field order as written); a leaf is an {@link Item}, a list of
 * separately convertible entries a {@code List<Item>}.
 */
final class Draft {

    /** A value and the compose key (path and line) it was converted from. */
    record Item(Object value, String key, int line) {}

    final String service;
    final String name;
    /** The line of the service's key in the compose file. */
    final int line;
    final Map<String, Object> root = new LinkedHashMap<>();
    final Map<String, Object> metadata = new LinkedHashMap<>();
    final Map<String, Object> spec = new LinkedHashMap<>();

    Draft(String service, String name, int line) {
        this.service = service;
        this.name = name;
        this.line = line;
        root.put("apiVersion", "hostlet.io/v1");
        root.put("kind", "Container");
        root.put("metadata", metadata);
        metadata.put("name", name);
        root.put("spec", spec);
    }

    static void put(Map<String, Object> at, String field, Object value, String key, int line) {
        at.put(field, new Item(value, key, line));
    }

    @SuppressWarnings("unchecked")
    static void add(Map<String, Object> at, String field, Object value, String key, int line) {
        ((List<Item>) at.computeIfAbsent(field, f -> new ArrayList<Item>())).add(new Item(value, key, line));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> at, String field) {
        return (Map<String, Object>) at.computeIfAbsent(field, f -> new LinkedHashMap<String, Object>());
    }

    /** The YAML text: {@code header} lines, then the document. */
    String render(String header) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        options.setSplitLines(false);
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) plain(root);
        return header + new Yaml(options).dump(doc);
    }

    private static Object plain(Object o) {
        if (o instanceof Item item) {
            return plain(item.value());
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                Object p = plain(v);
                if (!empty(p)) {
                    out.put((String) k, p);
                }
            });
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(plain(v)));
            return out;
        }
        return o;
    }

    private static boolean empty(Object p) {
        return p == null || (p instanceof Map<?, ?> m && m.isEmpty()) || (p instanceof List<?> l && l.isEmpty());
    }

    /**
     * Takes out the converted value that {@code text} (this draft rendered) holds at 1-based {@code line}, where the
     * parser found an error. Returns it (its compose key and line), or null when the line is not inside a converted
     * value (then the whole service has to go).
     */
    Item removeAt(String text, int line) {
        LoaderOptions options = new LoaderOptions();
        Node node = new Yaml(options).compose(new StringReader(text));
        return remove(root, node, line - 1);
    }

    @SuppressWarnings("unchecked")
    private static Item remove(Object model, Node node, int line) {
        if (model instanceof Map<?, ?> && node instanceof MappingNode map) {
            NodeTuple hit = null;
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode().getStartMark().getLine() <= line) {
                    hit = t;
                }
            }
            if (hit == null) {
                return null;
            }
            Map<String, Object> m = (Map<String, Object>) model;
            String key = ((ScalarNode) hit.getKeyNode()).getValue();
            Object child = m.get(key);
            if (child instanceof Item item) {
                m.remove(key);
                return item;
            }
            return remove(child, hit.getValueNode(), line);
        }
        if (model instanceof List<?> && node instanceof SequenceNode seq) {
            int hit = -1;
            for (int i = 0; i < seq.getValue().size(); i++) {
                if (seq.getValue().get(i).getStartMark().getLine() <= line) {
                    hit = i;
                }
            }
            List<Object> l = (List<Object>) model;
            if (hit < 0 || hit >= l.size() || !(l.get(hit) instanceof Item item)) {
                return null;
            }
            l.remove(hit);
            return item;
        }
        return null;
    }
}
