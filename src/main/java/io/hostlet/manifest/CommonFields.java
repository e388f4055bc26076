package io.hostlet.manifest;

import org.yaml.snakeyaml.nodes.Node;

/**
 * The fields every manifest kind reads by the same rules: {@code apiVersion}, {@code metadata.name},
 * {@code spec.image} and {@code spec.imagePullPolicy}. One place, so a Container and an Image can never disagree
 * about what a valid name or image reference is.
 */
final class CommonFields {

    private CommonFields() {
    }

    /** Reports an {@code apiVersion} that is missing or not {@link ContainerDocument#API_VERSION}. */
    static void apiVersion(NodeReader r, NodeReader.Fields top) {
        Node node = top.required("apiVersion");
        String apiVersion = r.text(node, "apiVersion");
        if (apiVersion != null && !apiVersion.equals(ContainerDocument.API_VERSION)) {
            r.error(node, "apiVersion", "expected \"" + ContainerDocument.API_VERSION + "\", got " + NodeReader.quote(apiVersion));
        }
    }

    /** {@code metadata.name}, checked against {@link ContainerDocument#NAME}; null when absent or wrong. */
    static String name(NodeReader r, NodeReader.Fields metadata) {
        Node node = metadata.required("name");
        String name = r.text(node, "metadata.name");
        if (name != null && !ContainerDocument.NAME.matcher(name).matches()) {
            r.error(node, "metadata.name", "must be 1-63 lowercase letters, digits or '-', starting and ending with"
                    + " a letter or digit, got " + NodeReader.quote(name));
        }
        return name;
    }

    /** {@code spec.image}: non-empty, no whitespace; null when absent or wrong. */
    static String image(NodeReader r, NodeReader.Fields spec) {
        Node node = spec.required("image");
        String image = r.text(node, "spec.image");
        if (image != null && (image.isEmpty() || image.chars().anyMatch(Character::isWhitespace))) {
            r.error(node, "spec.image", "must be non-empty with no whitespace, got " + NodeReader.quote(image));
            return null;
        }
        return image;
    }

    /** {@code spec.imagePullPolicy}, defaulting as Kubernetes does for {@code image} when absent. */
    static PullPolicy pullPolicy(NodeReader r, NodeReader.Fields spec, String image) {
        PullPolicy pull = r.oneOf(spec.get("imagePullPolicy"), "spec.imagePullPolicy", PullPolicy.class);
        return pull == null && image != null && spec.get("imagePullPolicy") == null ? PullPolicy.defaultFor(image) : pull;
    }
}
