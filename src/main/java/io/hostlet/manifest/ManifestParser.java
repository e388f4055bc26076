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
 * constructed from a tag, and any tag other than YAML's plain ones is refused. Alias expansion, nesting
 * depth and size are bounded, so a hostile file costs little. Parsing never throws: every problem becomes
 * a {@link ManifestError} at the node it concerns.
 */
public final class ManifestParser {

    /** Largest file accepted, in UTF-8 bytes. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private static final int MAX_ALIASES_FOR_COLLECTIONS = 20;
    private static final int MAX_NESTING_DEPTH = 50;

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
        Composer composer = new Composer(new ParserImpl(new StreamReader(content), options), new Resolver(), options);
        try {
            while (composer.checkNode()) {
                Node root = composer.getNode();
                if (isEmpty(root)) {
                    continue;
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
            // Limits (aliases, nesting, size) are reported without a position.
            problems.wholeFile("invalid YAML: " + e.getMessage());
        }
        if (problems.count() > 0) {
            List<ManifestError> errors = new ArrayList<>(problems.list());
            errors.sort(Comparator.comparingInt(ManifestError::line).thenComparingInt(ManifestError::column));
            return new ParseResult(List.of(), errors);
        }
        return new ParseResult(manifests, List.of(), images);
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
