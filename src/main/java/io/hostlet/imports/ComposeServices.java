package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The services compose would run, before any is converted: same-file {@code extends} applied, services of profiles
 * that are not enabled set aside, and a {@code depends_on} cycle refused, as compose refuses it.
 */
final class ComposeServices {

    private ComposeServices() {
    }

    /**
     * {@code services} with each same-file {@code extends: NAME} (or {@code {service: NAME}}) replaced by the base
     * service's keys under its own, merged as compose merges them: mappings key by key (the service's own value
     * wins), lists appended, single values replaced. {@code extends} of another file is reported.
     */
    static List<Entry> extend(String file, List<Entry> services, List<NotConverted> dropped) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        services.forEach(s -> byName.put(s.key(), s));
        Map<String, Node> done = new LinkedHashMap<>();
        List<Entry> out = new ArrayList<>();
        for (Entry s : services) {
            try {
                out.add(new Entry(s.key(), s.keyNode(), resolve(s.key(), byName, done, new HashSet<>())));
            } catch (Skip e) {
                dropped.add(new NotConverted(file, e.at == null ? s.line() : ComposeNodes.line(e.at),
                        "services." + s.key() + ".extends", e.getMessage()));
                out.add(new Entry(s.key(), s.keyNode(), without(s.value(), "extends")));
            }
        }
        return out;
    }

    private static Node resolve(String name, Map<String, Entry> byName, Map<String, Node> done, Set<String> seen) {
        if (done.containsKey(name)) {
            return done.get(name);
        }
        Node body = byName.get(name).value();
        if (!(body instanceof MappingNode map)) {
            return body;
        }
        Node ext = null;
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("extends")) {
                ext = t.getValueNode();
            }
        }
        if (ext == null) {
            done.put(name, body);
            return body;
        }
        String base;
        if (ext instanceof ScalarNode sc) {
            base = sc.getValue();
        } else {
            base = null;
            for (Entry e : ComposeNodes.entries(ext)) {
                if (e.key().equals("file")) {
                    throw new Skip(e.keyNode(), "import the file it extends and merge by hand: hostlet reads one"
                            + " compose file");
                }
                if (e.key().equals("service") && e.value() instanceof ScalarNode v) {
                    base = v.getValue();
                }
            }
        }
        if (base == null || !byName.containsKey(base)) {
            throw new Skip(ext, "no service \"" + base + "\" in this file to extend");
        }
        if (!seen.add(name)) {
            throw new Skip(ext, "extends goes round in a circle");
        }
        Node merged = merge(resolve(base, byName, done, seen), without(body, "extends"));
        done.put(name, merged);
        return merged;
    }

    /** {@code over} merged onto {@code base}. */
    private static Node merge(Node base, Node over) {
        if (base instanceof MappingNode b && over instanceof MappingNode o) {
            Map<String, NodeTuple> keys = new LinkedHashMap<>();
            for (Entry e : ComposeNodes.entries(b)) {
                keys.put(e.key(), new NodeTuple(e.keyNode(), e.value()));
            }
            for (Entry e : ComposeNodes.entries(o)) {
                NodeTuple old = keys.get(e.key());
                keys.put(e.key(), new NodeTuple(e.keyNode(), old == null ? e.value() : merge(old.getValueNode(),
                        e.value())));
            }
            return new MappingNode(Tag.MAP, true, new ArrayList<>(keys.values()), o.getStartMark(), o.getEndMark(),
                    o.getFlowStyle());
        }
        if (base instanceof SequenceNode b && over instanceof SequenceNode o) {
            List<Node> items = new ArrayList<>(b.getValue());
            items.addAll(o.getValue());
            return new SequenceNode(Tag.SEQ, true, items, o.getStartMark(), o.getEndMark(), o.getFlowStyle());
        }
        return over;
    }

    private static Node without(Node body, String key) {
        if (!(body instanceof MappingNode map)) {
            return body;
        }
        List<NodeTuple> keep = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key))) {
                keep.add(t);
            }
        }
        return new MappingNode(map.getTag(), true, keep, map.getStartMark(), map.getEndMark(), map.getFlowStyle());
    }

    /** The profiles a service is in; empty when it has none (compose always runs it). */
    static List<String> profiles(Node body, ComposeNodes n) {
        try {
            for (Entry e : ComposeNodes.entries(body)) {
                if (e.key().equals("profiles") && !ComposeNodes.isNull(e.value())) {
                    return n.strings(e.value());
                }
            }
        } catch (Skip s) {
            // an unreadable service is reported when it is converted
        }
        return List.of();
    }

    /** The services {@code body} depends on, by compose name. */
    static List<Entry> dependencies(Node body) {
        List<Entry> out = new ArrayList<>();
        try {
            for (Entry e : ComposeNodes.entries(body)) {
                if (!e.key().equals("depends_on") || ComposeNodes.isNull(e.value())) {
                    continue;
                }
                if (e.value() instanceof SequenceNode seq) {
                    for (Node item : seq.getValue()) {
                        if (item instanceof ScalarNode sc) {
                            out.add(new Entry(sc.getValue(), sc, sc));
                        }
                    }
                } else {
                    out.addAll(ComposeNodes.entries(e.value()));
                }
            }
        } catch (Skip s) {
            // reported when depends_on is converted
        }
        return out;
    }

    /** The first {@code depends_on} cycle among {@code services}: the entry that closes it and the path; null if none. */
    static String cycle(List<Entry> services, Node[] at) {
        Map<String, List<Entry>> deps = new LinkedHashMap<>();
        services.forEach(s -> deps.put(s.key(), dependencies(s.value())));
        Map<String, Integer> state = new LinkedHashMap<>(); // 1 on the path, 2 done
        for (String s : deps.keySet()) {
            String c = visit(s, deps, state, new ArrayList<>(), at);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static String visit(String s, Map<String, List<Entry>> deps, Map<String, Integer> state, List<String> path,
                                Node[] at) {
        Integer st = state.get(s);
        if (st != null && st == 2) {
            return null;
        }
        path.add(s);
        state.put(s, 1);
        for (Entry d : deps.getOrDefault(s, List.of())) {
            if (!deps.containsKey(d.key())) {
                continue;
            }
            if (Integer.valueOf(1).equals(state.get(d.key()))) {
                at[0] = d.keyNode();
                List<String> loop = new ArrayList<>(path.subList(path.indexOf(d.key()), path.size()));
                loop.add(d.key());
                return String.join(" -> ", loop);
            }
            String c = visit(d.key(), deps, state, path, at);
            if (c != null) {
                return c;
            }
        }
        path.remove(path.size() - 1);
        state.put(s, 2);
        return null;
    }
}
