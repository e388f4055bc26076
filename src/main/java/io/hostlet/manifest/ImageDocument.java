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
        Node apiVersionNode = top.required("apiVersion");
        String apiVersion = r.text(apiVersionNode, "apiVersion");
        if (apiVersion != null && !apiVersion.equals(ContainerDocument.API_VERSION)) {
            r.error(apiVersionNode, "apiVersion", "expected \"" + ContainerDocument.API_VERSION + "\", got "
                    + NodeReader.quote(apiVersion));
        }
        Fields metadata = r.mapping(top.required("metadata"), "metadata", METADATA);
        String name = null;
        if (metadata != null) {
            Node node = metadata.required("name");
            name = r.text(node, "metadata.name");
            if (name != null && !ContainerDocument.NAME.matcher(name).matches()) {
                r.error(node, "metadata.name", "must be 1-63 lowercase letters, digits or '-', starting and ending with"
                        + " a letter or digit, got " + NodeReader.quote(name));
            }
        }
        String image = null;
        PullPolicy pull = null;
        Fields spec = r.mapping(top.required("spec"), "spec", SPEC);
        if (spec != null) {
            Node imageNode = spec.required("image");
            image = r.text(imageNode, "spec.image");
            if (image != null && (image.isEmpty() || image.chars().anyMatch(Character::isWhitespace))) {
                r.error(imageNode, "spec.image", "must be non-empty with no whitespace, got " + NodeReader.quote(image));
                image = null;
            }
            pull = r.oneOf(spec.get("imagePullPolicy"), "spec.imagePullPolicy", PullPolicy.class);
            if (pull == null && image != null && spec.get("imagePullPolicy") == null) {
                pull = PullPolicy.defaultFor(image);
            }
        }
        if (problems.count() > before) {
            return null;
        }
        return new ImageManifest(name, image, pull, new SourceRef(problems.file(), root.getStartMark().getLine() + 1));
    }
}
