package io.hostlet.manifest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser tests' shared document: a valid Container manifest named {@code web} whose spec ends with the lines a
 * case is about (each indented by two), so that the first of them is on line 7 and errors point at known places.
 */
public final class SpecYaml {

    private SpecYaml() {
    }

    /** The document with image {@code busybox:1}. */
    public static String withSpec(String... specLines) {
        return withImage("busybox:1", specLines);
    }

    /** The document with {@code image}. */
    public static String withImage(String image, String... specLines) {
        StringBuilder b = new StringBuilder("""
                apiVersion: hostlet.io/v1
                kind: Container
                metadata:
                  name: web
                spec:
                """).append("  image: ").append(image).append('\n');
        for (String line : specLines) {
            b.append("  ").append(line).append('\n');
        }
        return b.toString();
    }

    /** The one manifest {@code yaml} holds; fails the test on any error. */
    public static ContainerManifest single(String yaml) {
        ParseResult result = ManifestParser.parse("web.yaml", yaml);
        assertThat(result.errors()).isEmpty();
        assertThat(result.manifests()).hasSize(1);
        return result.manifests().get(0);
    }

    /** The errors of an invalid {@code yaml}, as {@code line:column: message}; fails the test if it yields a manifest. */
    public static List<String> errors(String yaml) {
        ParseResult result = ManifestParser.parse("web.yaml", yaml);
        assertThat(result.manifests()).isEmpty();
        return result.errors().stream().map(e -> e.line() + ":" + e.column() + ": " + e.message()).toList();
    }
}
