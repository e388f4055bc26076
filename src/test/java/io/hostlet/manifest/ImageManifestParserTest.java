package io.hostlet.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code kind: Image}: parsing, defaults and errors at file:line:column. */
class ImageManifestParserTest {

    private static final String TOOLS = """
            apiVersion: hostlet.io/v1
            kind: Image
            metadata: {name: tools}
            spec:
              image: 127.0.0.1:5000/team/tools:2.1
              imagePullPolicy: IfNotPresent
            """;

    private static ParseResult parse(String yaml) {
        return ManifestParser.parse("images.yaml", yaml);
    }

    private static ImageManifest single(String yaml) {
        ParseResult result = parse(yaml);
        assertThat(result.errors()).isEmpty();
        assertThat(result.manifests()).isEmpty();
        assertThat(result.images()).hasSize(1);
        return result.images().get(0);
    }

    private static List<String> errors(String yaml) {
        ParseResult result = parse(yaml);
        assertThat(result.images()).as("a file with errors yields no images").isEmpty();
        assertThat(result.manifests()).as("a file with errors yields no containers").isEmpty();
        return result.errors().stream().map(e -> {
            assertThat(e.file()).isEqualTo("images.yaml");
            return e.line() + ":" + e.column() + ": " + e.message();
        }).toList();
    }

    @Test
    void readsAnImageManifest() {
        assertThat(single(TOOLS)).isEqualTo(new ImageManifest("tools", "127.0.0.1:5000/team/tools:2.1",
                PullPolicy.IfNotPresent, new SourceRef("images.yaml", 1)));
    }

    static Stream<Arguments> defaults() {
        return Stream.of(
                arguments("127.0.0.1:5000/team/tools:2.1", PullPolicy.IfNotPresent),
                arguments("127.0.0.1:5000/team/tools", PullPolicy.Always),
                arguments("busybox:latest", PullPolicy.Always),
                arguments("busybox", PullPolicy.Always),
                arguments("reg:5000/app@sha256:" + "a".repeat(64), PullPolicy.IfNotPresent));
    }

    @ParameterizedTest(name = "{0} defaults to {1}")
    @MethodSource("defaults")
    void thePullPolicyDefaultsLikeKubernetes(String image, PullPolicy expected) {
        String yaml = "apiVersion: hostlet.io/v1\nkind: Image\nmetadata: {name: tools}\nspec: {image: \"" + image + "\"}\n";
        assertThat(single(yaml).imagePullPolicy()).isEqualTo(expected);
    }

    @Test
    void imagesAndContainersMixInOneFileAndMayShareAName() {
        String container = """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: tools}
                spec: {image: "127.0.0.1:5000/team/tools:2.1"}
                """;
        ParseResult result = parse(container + "---\n" + TOOLS);

        assertThat(result.errors()).isEmpty();
        assertThat(result.images()).extracting(ImageManifest::name, ImageManifest::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tools", new SourceRef("images.yaml", 6)));
        assertThat(result.manifests()).extracting(ContainerManifest::name).containsExactly("tools");
    }

    @Test
    void anErrorInAnImageDocumentInvalidatesTheWholeFile() {
        String container = """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: web}
                spec: {image: "busybox:1"}
                """;
        assertThat(errors(container + "---\n" + TOOLS.replace("IfNotPresent", "Sometimes")))
                .containsExactly("11:20: spec.imagePullPolicy: expected one of Always, IfNotPresent, Never, got \"Sometimes\"");
    }

    static Stream<Arguments> invalidImages() {
        return Stream.of(
                arguments("no spec.image", TOOLS.replace("  image: 127.0.0.1:5000/team/tools:2.1\n", ""),
                        List.of("5:3: spec.image is required")),
                arguments("an image with whitespace", TOOLS.replace("image: 127.0.0.1:5000/team/tools:2.1", "image: \"a b\""),
                        List.of("5:10: spec.image: must be non-empty with no whitespace, got \"a b\"")),
                arguments("an unknown spec field (containers' fields are not Image fields)",
                        TOOLS + "  command: [sh]\n",
                        List.of("7:3: unknown field \"command\" in spec (known: image, imagePullPolicy)")),
                arguments("labels (an image carries no labels of hostlet's)",
                        TOOLS.replace("metadata: {name: tools}", "metadata: {name: tools, labels: {a: b}}"),
                        List.of("3:25: unknown field \"labels\" in metadata (known: name)")),
                arguments("a name that is not a DNS label", TOOLS.replace("name: tools", "name: Tools_1"),
                        List.of("3:18: metadata.name: must be 1-63 lowercase letters, digits or '-', starting and ending"
                                + " with a letter or digit, got \"Tools_1\"")),
                arguments("another apiVersion", TOOLS.replace("hostlet.io/v1", "v1"),
                        List.of("1:13: apiVersion: expected \"hostlet.io/v1\", got \"v1\"")),
                arguments("no metadata", TOOLS.replace("metadata: {name: tools}\n", ""),
                        List.of("1:1: metadata is required")),
                arguments("an unknown top-level field", TOOLS + "status: {}\n",
                        List.of("7:1: unknown field \"status\" at the top level (known: apiVersion, kind, metadata, spec)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidImages")
    void reportsErrorsAtTheirPosition(String name, String yaml, List<String> expected) {
        assertThat(errors(yaml)).isEqualTo(expected);
    }
}
