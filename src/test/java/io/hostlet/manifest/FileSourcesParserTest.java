package io.hostlet.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static io.hostlet.manifest.SpecYaml.errors;
import static io.hostlet.manifest.SpecYaml.single;
import static io.hostlet.manifest.SpecYaml.withSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code env[].valueFrom.file}, {@code envFrom}, {@code files} and {@code secrets}: parsing, errors, the hash. */
class FileSourcesParserTest {

    @Test
    void readsEveryField() {
        ContainerManifest m = single(withSpec(
                "env:",
                "  - {name: PLAIN, value: a}",
                "  - {name: DB_PASSWORD, valueFrom: {file: db/password}}",
                "envFrom: [{file: app.env}, {file: more.env}]",
                "files: [{source: conf/app.yaml, mountPath: /etc/app/app.yaml}, {source: ../shared/x, mountPath: /x, mode: 0640}]",
                "secrets: [{source: tls.key, mountPath: /run/secrets/tls.key}]"));
        FileSources s = m.spec().sources();
        assertThat(m.spec().env()).containsExactly(new ContainerSpec.EnvVar("PLAIN", "a"));
        assertThat(s.env()).containsExactly(new FileSources.EnvValueFrom("DB_PASSWORD", "db/password", 1, null));
        assertThat(s.envFrom()).extracting(FileSources.EnvFile::file).containsExactly("app.env", "more.env");
        assertThat(s.files()).containsExactly(
                new FileSources.MountedFile("conf/app.yaml", "/etc/app/app.yaml", 0444, null),
                new FileSources.MountedFile("../shared/x", "/x", 0640, null));
        assertThat(s.secrets()).containsExactly(new FileSources.MountedFile("tls.key", "/run/secrets/tls.key", 0400, null));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("value and valueFrom", List.of("env: [{name: A, value: x, valueFrom: {file: a}}]"),
                        "7:9: spec.env[0]: set at most one of \"value\" or \"valueFrom\""),
                arguments("valueFrom without file", List.of("env: [{name: A, valueFrom: {}}]"),
                        "7:30: spec.env[0].valueFrom.file is required"),
                arguments("an absolute secret name", List.of("envFrom: [{file: /etc/app.env}]"),
                        "7:20: spec.envFrom[0].file: expected a file name relative to hostlet.secrets.dir, without \"..\","
                                + " got \"/etc/app.env\""),
                arguments("a secret climbing out", List.of("secrets: [{source: ../x, mountPath: /x}]"),
                        "7:22: spec.secrets[0].source: expected a file name relative to hostlet.secrets.dir, without \"..\","
                                + " got \"../x\""),
                arguments("an absolute config file", List.of("files: [{source: /etc/passwd, mountPath: /x}]"),
                        "7:20: spec.files[0].source: expected a path relative to the manifest's folder, got \"/etc/passwd\""),
                arguments("a mountPath that is a folder", List.of("files: [{source: a, mountPath: /etc/}]"),
                        "7:34: spec.files[0].mountPath: expected the path of a file, got \"/etc/\""),
                arguments("a relative mountPath", List.of("secrets: [{source: a, mountPath: run/a}]"),
                        "7:36: spec.secrets[0].mountPath: expected an absolute path, got \"run/a\""),
                arguments("a mode that is not octal", List.of("files: [{source: a, mountPath: /a, mode: 0999}]"),
                        "7:44: spec.files[0].mode: expected an octal mode like 0444 or 0640, got \"0999\""),
                arguments("secrets have no mode", List.of("secrets: [{source: a, mountPath: /a, mode: 0444}]"),
                        "7:40: unknown field \"mode\" in spec.secrets[0] (known: source, mountPath)"),
                arguments("two files at one path", List.of("files: [{source: a, mountPath: /a}]",
                                "secrets: [{source: b, mountPath: /a}]"),
                        "8:12: spec.secrets[0].mountPath: duplicate mountPath \"/a\" (first at spec.files[0].mountPath)"),
                arguments("a file in a volume", List.of("volumes: [{name: data, mountPath: /data}]",
                                "secrets: [{source: b, mountPath: /data/key}]"),
                        "8:12: spec.secrets[0].mountPath: mountPath \"/data/key\" lies in the volume or tmpfs mounted at"
                                + " \"/data\" (a file is copied into the container's own file system)"),
                arguments("a read-only root file system", List.of("securityContext: {readOnlyRootFilesystem: true}",
                                "files: [{source: a, mountPath: /a}]"),
                        "8:10: spec.files: cannot be used with securityContext.readOnlyRootFilesystem: files are copied"
                                + " into the container's root file system before it starts (see docs/adr/0014)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void refusesMistakesAtTheirNode(String name, List<String> lines, String error) {
        assertThat(errors(withSpec(lines.toArray(String[]::new)))).containsExactly(error);
    }

    private static ContainerManifest resolved(String content) {
        ContainerManifest m = single(withSpec("secrets: [{source: k, mountPath: /k}]"));
        FileSources s = m.spec().sources();
        return new ContainerManifest(m.name(), m.labels(), m.spec().withSources(new FileSources(s.env(), s.envFrom(),
                s.files(), List.of(s.secrets().get(0).with(FileContent.of(content.getBytes(StandardCharsets.UTF_8)))))),
                m.source());
    }

    @Test
    void theContentDigestIsInTheHashAndTheContentNowhere() {
        ContainerManifest a = resolved("s3cret-one");
        ContainerManifest b = resolved("s3cret-two");
        assertThat(SpecHash.of(a)).isNotEqualTo(SpecHash.of(b)).isEqualTo(SpecHash.of(resolved("s3cret-one")));
        assertThat(SpecHash.canonical(a)).contains("\"secrets\":[\"/k:sha256:").doesNotContain("s3cret");
        assertThat(a.toString()).doesNotContain("s3cret").contains("<redacted>");
        LabelKey key = LabelKey.random();
        assertThat(SpecLabel.write(a, key)).doesNotContain("s3cret").doesNotContain(FileContent.of(
                "s3cret-one".getBytes(StandardCharsets.UTF_8)).digest().substring(7));
        assertThat(SpecLabel.changes(b, SpecLabel.write(a, key), key)).containsExactly("secrets");
    }

    @Test
    void aManifestWithoutTheseFieldsKeepsItsHash() {
        // the same document as SpecHashTest's minimal one: its pinned hash must not move
        ContainerManifest m = single(withSpec());
        assertThat(m.spec().sources()).isEqualTo(FileSources.NONE);
        assertThat(SpecHash.canonical(m)).isEqualTo("{\"image\":\"busybox:1\"}");
        assertThat(SpecHash.of(m)).isEqualTo("5986acb3e7b9e7f3");
    }

    @Test
    void envFilesComeFirstAndEnvOverridesThem() {
        FileSources s = new FileSources(
                List.of(new FileSources.EnvValueFrom("B", "b", 1, FileContent.of("from-file\n".getBytes(StandardCharsets.UTF_8)))),
                List.of(new FileSources.EnvFile("1.env", FileContent.of("A=1\nB=1\nC=1\n".getBytes(StandardCharsets.UTF_8))),
                        new FileSources.EnvFile("2.env", FileContent.of("C=2\n".getBytes(StandardCharsets.UTF_8)))),
                List.of(), List.of());
        assertThat(s.environment(List.of(new ContainerSpec.EnvVar("A", "literal"))))
                .containsExactly("C=2", "A=literal", "B=from-file");
        assertThat(FileSources.NONE.environment(List.of(new ContainerSpec.EnvVar("A", "x"))))
                .containsExactly("A=x");
    }
}
