package io.hostlet.imports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's contract: exit codes, where files go, what it refuses to overwrite, where variables come from. */
class ImportCommandTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        return ImportCommand.execute(env, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everythingConvertedExitsZeroAndWritesOneFilePerService(@TempDir Path dir) throws Exception {
        Path compose = Files.writeString(dir.resolve("docker-compose.yml"), """
                services:
                  web: {image: 'nginx:1.27', restart: always, ports: ['8080:80']}
                  cache: {image: 'redis:7', restart: always}
                """);
        Path out = dir.resolve("out");

        assertThat(run(Map.of(), compose.toString(), "-o", out.toString())).as(err()).isEqualTo(ImportCommand.OK);
        assertThat(out.resolve("web.yaml")).exists();
        assertThat(out.resolve("cache.yaml")).exists();
        assertThat(err()).contains("wrote 2 manifest(s)").doesNotContain("not converted");
    }

    @Test
    void somethingDroppedExitsThreeWithTheLineOnStderr(@TempDir Path dir) throws Exception {
        Path compose = Files.writeString(dir.resolve("c.yml"), """
                services:
                  web:
                    image: nginx:1.27
                    group_add: [video]
                """);

        assertThat(run(Map.of(), compose.toString(), "-o", dir.resolve("out").toString())).isEqualTo(ImportCommand.DROPPED);
        assertThat(err()).contains(compose + ":4: services.web.group_add: not converted (hostlet has no such setting");
    }

    @Test
    void existingManifestsAreNotOverwrittenWithoutForce(@TempDir Path dir) throws Exception {
        Path compose = Files.writeString(dir.resolve("c.yml"), "services: {web: {image: 'nginx:1', restart: always}}\n");
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.writeString(out.resolve("web.yaml"), "mine");

        assertThat(run(Map.of(), compose.toString(), "-o", out.toString())).isEqualTo(ImportCommand.INVALID);
        assertThat(out.resolve("web.yaml")).hasContent("mine");
        assertThat(err()).contains("nothing written (--force overwrites)");

        assertThat(run(Map.of(), "--force", compose.toString(), "-o", out.toString())).isEqualTo(ImportCommand.OK);
        assertThat(Files.readString(out.resolve("web.yaml"))).contains("image: nginx:1");
    }

    @Test
    void variablesComeFromTheEnvironmentOverTheDotEnvBesideTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "TAG=1.0\nPORT=8080\n");
        Path compose = Files.writeString(dir.resolve("c.yml"),
                "services: {web: {image: 'nginx:${TAG}', restart: always, ports: ['${PORT}:80']}}\n");
        Path out = dir.resolve("out");

        assertThat(run(Map.of("TAG", "1.27"), compose.toString(), "-o", out.toString())).as(err()).isEqualTo(0);
        assertThat(Files.readString(out.resolve("web.yaml"))).contains("image: nginx:1.27", "hostPort: 8080");
    }

    @Test
    void notAComposeFileWritesNothingAndExitsOne(@TempDir Path dir) throws Exception {
        Path compose = Files.writeString(dir.resolve("c.yml"), "just: text\n");
        Path out = dir.resolve("out");

        assertThat(run(Map.of(), compose.toString(), "-o", out.toString())).isEqualTo(ImportCommand.INVALID);
        assertThat(out).doesNotExist();
        assertThat(err()).contains(compose + ":1:1: no services", "nothing imported");
    }

    @Test
    void invalidYamlIsAnErrorAtItsLineAndColumn(@TempDir Path dir) throws Exception {
        Path compose = Files.writeString(dir.resolve("c.yml"), "services:\n  web: {image: [\n");

        assertThat(run(Map.of(), compose.toString(), "-o", dir.resolve("out").toString())).isEqualTo(ImportCommand.INVALID);
        assertThat(err()).matches("(?s)" + java.util.regex.Pattern.quote(compose.toString()) + ":3:1: invalid YAML: .*")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingFileExitsOneAndAMissingArgumentIsAUsageError(@TempDir Path dir) {
        assertThat(run(Map.of(), dir.resolve("nope.yml").toString())).isEqualTo(ImportCommand.INVALID);
        assertThat(run(Map.of())).isEqualTo(2);
    }
}
