package io.hostlet.imports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The compose file read as compose reads it: the {@code .env} beside it, the project name, profiles,
 * {@code extends}, the old {@code external: {name:}} form, extension keys and values empty after interpolation.
 */
class ComposeResolutionTest {

    private static ImportResult importIn(Path dir, String compose, String dotEnv, Map<String, String> env,
                                         String project, List<String> profiles) throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), compose);
        if (dotEnv != null) {
            Files.writeString(dir.resolve(".env"), dotEnv);
        }
        ComposeInput in = ComposeInput.read(file, env);
        return ComposeImport.convert(in, project, profiles == null ? in.profiles() : profiles, ComposeImport.SCHEMA);
    }

    private static String content(ImportResult r, String name) {
        return r.files().stream().filter(f -> f.name().equals(name + ".yaml")).findFirst().orElseThrow().content();
    }

    @Test
    void aValuelessEnvironmentEntryTakesItsValueFromTheEnvironmentOrDotEnvAndIsLeftOutWhenUnset(@TempDir Path dir)
            throws Exception {
        ImportResult r = importIn(dir, "services: {app: {image: 'a:1', restart: always,"
                        + " environment: [FROM_ENV, FROM_FILE, NOWHERE]}}\n",
                "FROM_FILE=file\nFROM_ENV=file\n", Map.of("FROM_ENV", "env"), null, null);

        assertThat(r.dropped()).isEmpty();
        assertThat(content(r, "app")).contains("name: FROM_ENV\n      value: env", "name: FROM_FILE\n      value: file")
                .doesNotContain("NOWHERE");
    }

    @Test
    void dotEnvValuesAreUnquotedUncommentedAndInterpolated(@TempDir Path dir) throws Exception {
        ImportResult r = importIn(dir, "services: {app: {image: 'a:1', restart: always, environment: [KEY, URL, LIT]}}\n",
                "KEY='\"taiga-secret-key\"' # the key\nUSER=u\nURL=pg://${USER}:${PW:-none}@db\nLIT='${USER}'\n",
                Map.of(), null, null);

        assertThat(content(r, "app")).contains("value: '\"taiga-secret-key\"'", "value: pg://u:none@db",
                "value: ${USER}");
    }

    @Test
    void theProjectNameIsTheOptionThenComposeProjectNameThenNameThenTheFolder(@TempDir Path dir) throws Exception {
        String compose = "name: fromfile\nservices: {app: {image: 'a:1', restart: always, volumes: ['data:/d']}}\n"
                + "volumes: {data: {}}\n";
        assertThat(content(importIn(dir, compose, "COMPOSE_PROJECT_NAME=fromenv\n", Map.of(), "given", null), "app"))
                .contains("name: given_data");
        assertThat(content(importIn(dir, compose, "COMPOSE_PROJECT_NAME=fromenv\n", Map.of(), null, null), "app"))
                .contains("name: fromenv_data");
        assertThat(content(importIn(dir, compose, "OTHER=1\n", Map.of(), null, null), "app"))
                .contains("name: fromfile_data");
    }

    @Test
    void theOldExternalFormNamesTheVolumeAndTheNetwork(@TempDir Path dir) throws Exception {
        ImportResult r = importIn(dir, """
                services:
                  app: {image: 'a:1', restart: always, volumes: ['data:/d'], networks: [front]}
                volumes:
                  data: {external: {name: shared-data}}
                networks:
                  front: {external: {name: edge}}
                """, null, Map.of(), "p", null);

        assertThat(content(r, "app")).contains("name: shared-data", "- edge");
    }

    @Test
    void servicesOfProfilesThatAreNotEnabledAreNotWrittenButReported(@TempDir Path dir) throws Exception {
        String compose = """
                services:
                  app: {image: 'a:1', restart: always}
                  debug: {image: 'b:1', restart: always, profiles: [debug]}
                """;
        ImportResult off = importIn(dir, compose, null, Map.of(), "p", null);
        assertThat(off.files()).extracting(ImportResult.OutputFile::name).containsExactly("app.yaml");
        assertThat(off.dropped()).extracting(Object::toString).containsExactly(dir.resolve("compose.yaml") + ":3: services.debug: not"
                + " converted (only in the profiles debug, none of which is enabled: compose does not start it"
                + " (--profile enables one))");

        assertThat(importIn(dir, compose, null, Map.of(), "p", List.of("debug")).files()).hasSize(2);
        assertThat(importIn(dir, compose, "COMPOSE_PROFILES=x,debug\n", Map.of(), "p", null).files()).hasSize(2);
    }

    @Test
    void sameFileExtendsMergesTheBaseUnderTheService(@TempDir Path dir) throws Exception {
        ImportResult r = importIn(dir, """
                services:
                  base: {image: 'a:1', restart: always, environment: {A: '1', B: '2'}}
                  child: {extends: base, environment: {B: '3'}}
                """, null, Map.of(), "p", null);

        assertThat(r.dropped()).isEmpty();
        assertThat(content(r, "child")).contains("image: a:1", "name: A\n      value: '1'", "name: B\n      value: '3'");
    }

    @Test
    void extensionKeysAreIgnoredEverywhereAndEmptyValuesAreAbsent(@TempDir Path dir) throws Exception {
        ImportResult r = importIn(dir, """
                x-common: &c {restart: always}
                services:
                  app:
                    <<: *c
                    image: 'a:1'
                    x-note: anything
                    hostname: ${NOPE:-}
                    deploy: {x-custom: 1}
                networks:
                  x-unused: {}
                """, null, Map.of(), "p", null);

        assertThat(r.dropped()).isEmpty();
        assertThat(content(r, "app")).doesNotContain("hostname");
    }

    @Test
    void aDependsOnCycleIsAnErrorAtTheEntryThatClosesIt(@TempDir Path dir) {
        assertThatThrownBy(() -> importIn(dir, """
                services:
                  a: {image: 'a:1', depends_on: [b]}
                  b: {image: 'b:1', depends_on: [a]}
                """, null, Map.of(), "p", null))
                .isInstanceOf(ComposeImport.NotCompose.class)
                .hasMessage("depends_on goes round in a circle: a -> b -> a")
                .satisfies(e -> assertThat(((ComposeImport.NotCompose) e).line).isEqualTo(3));
    }

    @Test
    void aByteThatIsNotUtf8IsNamedWithItsLineAndColumn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.write(file, "services:\n  app: {image: 'caf\u00e9', x: '".getBytes(StandardCharsets.UTF_8));
        Files.write(file, new byte[] {(byte) 0xE9, '\'', '}', '\n'}, java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> ComposeInput.read(file, Map.of()))
                .hasMessage(file + ":2:28: not UTF-8: byte 0xE9 at offset 38 (save the file as UTF-8)");
    }

    @Test
    void aDotEnvErrorNamesItsLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "services: {app: {image: 'a:1'}}\n");
        Files.writeString(dir.resolve(".env"), "A=1\nB=\"open\n");

        assertThatThrownBy(() -> ComposeInput.read(file, Map.of()))
                .hasMessage(dir.resolve(".env") + ":2:1: unterminated double quote (values span one line)");
    }
}
