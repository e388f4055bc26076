package io.hostlet.export;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's contract: exit codes, where files go, what stderr says. */
class ExportCommandTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return ExportCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void everythingCarriedOverExitsZero(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: aa}
                spec: {image: "busybox:1", env: [{name: X, value: "1"}]}
                """);
        assertThat(run("--format", "compose", dir.toString())).isEqualTo(ExportCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("version: '3.8'", "image: busybox:1");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void droppedFieldsExitThreeAndAreNamedOnStderr(@TempDir Path out) throws Exception {
        assertThat(run("--format", "kubernetes", "-o", out.toString(), "src/test/resources/export/all-fields"))
                .isEqualTo(ExportCommand.DROPPED);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("app.yaml", "backup.yaml", "db.yaml", "migrate.yaml");
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
                "app.yaml:38: app.spec.dependsOn: not exported (Kubernetes has no start order");
    }

    @Test
    void anInvalidManifestExportsNothingAndExitsOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: aa}
                spec: {image: "busybox:1", colour: blue}
                """);
        Path target = dir.resolve("out");
        assertThat(run("--format", "compose", "-o", target.toString(), dir.toString())).isEqualTo(ExportCommand.INVALID);
        assertThat(target).doesNotExist();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml:4:", "nothing exported");
    }

    @Test
    void aMissingFolderExitsOne(@TempDir Path dir) {
        assertThat(run("--format", "compose", dir.resolve("nope").toString())).isEqualTo(ExportCommand.INVALID);
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        assertThat(run("--format", "nomad")).isEqualTo(2);
    }
}
