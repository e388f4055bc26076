package io.hostlet.manifest;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the text of one manifest file (YAML documents separated by {@code ---}) into validated manifests of
 * {@code kind: Container} and {@code kind: Image}.
 *
 * <p>Safety: SnakeYAML is used only up to its composer, which builds a tree of nodes; no object is ever
 * constructed from a tag, and any tag other than YAML's plain ones is refused. File size, documents per file,
 * scalar length, items per list or mapping, aliases and nesting depth are bounded (the {@code MAX_} constants), so a
 * hostile file costs little; an overrun is an error at the node (or the place reading stopped). Parsing never
 * throws: every problem becomes a {@link ManifestError} at the node it concerns, at most
 * 50 per file and then one "and N more".
 */
public final class ManifestParser {

    /** Largest file accepted, in UTF-8 bytes. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /** Most documents one file may hold. */
    public static final int MAX_DOCUMENTS = 1000;

    /** Longest scalar (a value or a key), in characters: room for a certificate in an env value. */
    public static final int MAX_SCALAR_CHARS = 64 * 1024;

    /** Most items one list or mapping may hold. */
    public static final int MAX_ITEMS = 10_000;

    /**
     * Most characters a document may hold once its aliases are expanded: aliases to scalars are not counted by
     * SnakeYAML, and {@code args: [*big, *big, ...]} would otherwise turn 1 MiB of text into gigabytes of labels.
     */
    public static final int MAX_EXPANDED_CHARS = 4 * MAX_FILE_BYTES;

    /** Most aliases to lists or mappings per file: enough for sharing a block, far too few for a billion laughs. */
    public static final int MAX_ALIASES_FOR_COLLECTIONS = 20;

    /** Deepest nesting of lists and mappings. */
    public static final int MAX_NESTING_DEPTH = 50;

    private ManifestParser() {
    }

    /**
     * Parses {@code content}; {@code file} is its path relative to the manifests folder, used in
     * {@link SourceRef}s and errors. Empty documents (a trailing {@code ---}, only comments) are skipped.
     */
    public static ParseResult parse(String file, String content) {
        Problems problems = new Problems(file);
        if (utf8Length(content) > MAX_FILE_BYTES) {
            problems.wholeFile("file is larger than 1 MiB");
            return new ParseResult(List.of(), problems.list());
        }
        List<ContainerManifest> manifests = new ArrayList<>();
        List<ImageManifest> images = new ArrayList<>();
        LoaderOptions options = loaderOptions();
        StreamReader reader = new StreamReader(content);
        Composer composer = new Composer(new ParserImpl(reader, options), new Resolver(), options);
        int documents = 0;
        try {
            while (composer.checkNode()) {
                Node root = composer.getNode();
                if (isEmpty(root)) {
                    continue;
                }
                if (++documents > MAX_DOCUMENTS) {
                    problems.at(root, "more than " + MAX_DOCUMENTS + " documents in one file; split it");
                    break;
                }
                if (!withinLimits(root, problems)) {
                    continue; // reading an oversized document would only add noise (and cost) to its errors
                }
                if ("Image".equals(declaredKind(root))) {
                    ImageManifest image = ImageDocument.read(root, problems);
                    if (image != null) {
                        images.add(image);
                    }
                } else {
                    ContainerManifest manifest = ContainerDocument.read(root, problems);
                    if (manifest != null) {
                        manifests.add(manifest);
                    }
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            problems.at(mark, "invalid YAML: " + describe(e));
        } catch (YAMLException e) {
            // SnakeYAML's own limits (aliases, nesting, size) carry no position: where it stopped reading is the place.
            problems.at(reader.getMark(), "invalid YAML: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // Not expected from a composer with these limits; should it happen, it is this file's error, not the loop's.
            problems.wholeFile("cannot parse: " + e.getClass().getSimpleName());
        }
        if (problems.count() > 0) {
            List<ManifestError> errors = new ArrayList<>(problems.list());
            errors.sort(Comparator.comparingInt(ManifestError::line).thenComparingInt(ManifestError::column));
            if (problems.overflow() != null) {
                errors.add(problems.overflow());
            }
            return new ParseResult(List.of(), errors);
        }
        return new ParseResult(manifests, List.of(), images);
    }

    /**
     * An error at the field {@code fieldPath} (like {@code spec.volumes[1].hostPath}) of the document starting at
     * {@code documentLine} (see {@link SourceRef#line}) of a file that parsed without errors; at the nearest enclosing
     * node found when the path does not lead all the way (for a rule about the spec as a whole, {@code spec}). For
     * checks made after parsing, such as the policy's; reads {@code content} again, so meant for the rare error.
     */
    public static ManifestError errorAt(String file, String content, int documentLine, String fieldPath, String message) {
        LoaderOptions options = loaderOptions();
        Composer composer = new Composer(new ParserImpl(new StreamReader(content), options), new Resolver(), options);
        Node at = null;
        try {
            while (composer.checkNode()) {
                Node root = composer.getNode();
                if (root != null && root.getStartMark().getLine() + 1 == documentLine) {
                    at = walk(root, fieldPath);
                    break;
                }
            }
        } catch (RuntimeException e) {
            at = null; // cannot happen for a file that parsed; the whole document is then the place
        }
        return at == null ? new ManifestError(file, documentLine, 1, message)
                : new ManifestError(file, at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1, message);
    }

    private static Node walk(Node root, String path) {
        Node node = root;
        for (String segment : path.split("\\.")) {
            String key = segment.contains("[") ? segment.substring(0, segment.indexOf('[')) : segment;
            Node next = null;
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                        next = t.getValueNode();
                    }
                }
            }
            if (next == null) {
                return node;
            }
            node = next;
            java.util.regex.Matcher index = java.util.regex.Pattern.compile("\\[(\\d+)]").matcher(segment);
            while (index.find()) {
                int i = Integer.parseInt(index.group(1));
                if (!(node instanceof SequenceNode seq) || i >= seq.getValue().size()) {
                    return node;
                }
                node = seq.getValue().get(i);
            }
        }
        return node;
    }

    /**
     * The {@code kind} a document declares, when it is a mapping with a plain scalar {@code kind}; null otherwise.
     * Only picks the reader: the reader itself reports everything wrong with the document.
     */
    private static String declaredKind(Node root) {
        if (!(root instanceof MappingNode mapping)) {
            return null;
        }
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode key && key.getValue().equals("kind")
                    && t.getValueNode() instanceof ScalarNode value && value.getTag().equals(Tag.STR)) {
                return value.getValue();
            }
        }
        return null;
    }

    /**
     * Checks scalar lengths and item counts in one walk over the document, each node once (an alias is the anchored
     * node itself, so a shared block is not walked again). Reports each overrun at its node; false if any.
     */
    private static boolean withinLimits(Node root, Problems problems) {
        boolean ok = true;
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            if (n instanceof ScalarNode s) {
                if (s.getValue().length() > MAX_SCALAR_CHARS) {
                    problems.at(n, "value is " + s.getValue().length() + " characters long; the limit is " + MAX_SCALAR_CHARS);
                    ok = false;
                }
            } else if (n instanceof SequenceNode seq) {
                if (seq.getValue().size() > MAX_ITEMS) {
                    problems.at(n, "list has " + seq.getValue().size() + " items; the limit is " + MAX_ITEMS);
                    ok = false;
                } else {
                    seq.getValue().forEach(todo::push);
                }
            } else if (n instanceof MappingNode map) {
                if (map.getValue().size() > MAX_ITEMS) {
                    problems.at(n, "mapping has " + map.getValue().size() + " entries; the limit is " + MAX_ITEMS);
                    ok = false;
                } else {
                    for (NodeTuple t : map.getValue()) {
                        todo.push(t.getKeyNode());
                        todo.push(t.getValueNode());
                    }
                }
            }
        }
        if (ok && expandedSize(root, new java.util.IdentityHashMap<>()) > MAX_EXPANDED_CHARS) {
            problems.at(root, "aliases expand this document to more than " + MAX_EXPANDED_CHARS + " characters");
            ok = false;
        }
        return ok;
    }

    /**
     * Characters (at least one per node) of {@code n} with aliases expanded, each shared node computed once; a node
     * that contains itself counts once (readers report it). Recursion is bounded: nesting depth times the
     * collection aliases allowed.
     */
    private static long expandedSize(Node n, java.util.Map<Node, Long> memo) {
        Long known = memo.get(n);
        if (known != null) {
            return known;
        }
        memo.put(n, 1L); // in progress: a cycle counts once
        long size = 1;
        if (n instanceof ScalarNode s) {
            size += s.getValue().length();
        } else if (n instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                size = Math.min(Long.MAX_VALUE / 4, size + expandedSize(item, memo));
            }
        } else if (n instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                size = Math.min(Long.MAX_VALUE / 4, size + expandedSize(t.getKeyNode(), memo) + expandedSize(t.getValueNode(), memo));
            }
        }
        memo.put(n, size);
        return size;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        // Duplicate keys are only checked by SnakeYAML's constructor, which is never run here; NodeReader
        // reports them itself. Set anyway so that this stays true if someone adds construction later.
        o.setAllowDuplicateKeys(false);
        o.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        o.setAllowRecursiveKeys(false);
        o.setNestingDepthLimit(MAX_NESTING_DEPTH);
        o.setCodePointLimit(MAX_FILE_BYTES);
        o.setProcessComments(false);
        return o;
    }

    private static String describe(MarkedYAMLException e) {
        String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
        if (e.getContext() == null) {
            return problem;
        }
        Mark context = e.getContextMark();
        return problem + " (" + e.getContext() + (context == null ? "" : " started at line " + (context.getLine() + 1)) + ")";
    }

    /** A document with no content: what SnakeYAML gives for a bare {@code ---} or a trailing separator. */
    private static boolean isEmpty(Node root) {
        return root instanceof ScalarNode s && s.getTag().equals(Tag.NULL) && s.getValue().isEmpty();
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
