package io.hostlet.manifest;

import io.hostlet.manifest.NodeReader.Fields;
import org.yaml.snakeyaml.nodes.Node;

import java.util.List;

/**
 * Validates one composed YAML document as a {@code kind: Image} manifest. {@link ManifestParser} sends here only
 * documents that declare {@code kind: Image}; every other document (unknown kinds included) goes to
 * {@link ContainerDocument}, which owns the message listing the kinds.
 */
final class ImageDocument {

    private static final List<String> TOP = List.of("apiVersion", "kind", "metadata", "spec");
    /** No labels: an image carries none of hostlet's, so labels here would promise something that never happens. */
    private static final List<String> METADATA = List.of("name");
    private static final List<String> SPEC = List.of("image", "imagePullPolicy");

    private final Problems problems;
    private final NodeReader r;

    private ImageDocument(Problems problems) {
        this.problems = problems;
        this.r = new NodeReader(problems);
    }

    /** The manifest in {@code root}, or null when it had errors (all of them are added to {@code problems}). */
    static ImageManifest read(Node root, Problems problems) {
        return new ImageDocument(problems).read(root);
    }

    private ImageManifest read(Node root) {
        int before = problems.count();
        Fields top = r.mapping(root, "", TOP);
        if (top == null) {
            return null;
        }
        CommonFields.apiVersion(r, top);
        Fields metadata = r.mapping(top.required("metadata"), "metadata", METADATA);
        String name = metadata == null ? null : CommonFields.name(r, metadata);
        String image = null;
        PullPolicy pull = null;
        Fields spec = r.mapping(top.required("spec"), "spec", SPEC);
        if (spec != null) {
            image = CommonFields.image(r, spec);
            pull = CommonFields.pullPolicy(r, spec, image);
        }
        if (problems.count() > before) {
            return null;
        }
        return new ImageManifest(name, image, pull, new SourceRef(problems.file(), root.getStartMark().getLine() + 1));
    }
}
