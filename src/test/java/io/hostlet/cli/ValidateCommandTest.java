package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

    @TempDir
    Path dir;

    private static String container(String name, String extraSpec) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: %s}
                spec:
                  image: "busybox:1"
                %s""".formatted(name, extraSpec);
    }

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private String d() {
        return dir.toString();
    }

    @Test
    void aValidFolderExitsZeroAndPrintsNothing() throws IOException {
        write("web.yaml", container("web", "  dependsOn: [{name: db}]\n"));
        write("team/db.yml", container("db", ""));
        write(".hidden/broken.yaml", "::: not yaml");   // skipped as the service skips it
        write("notes.txt", "not a manifest");

        Run r = Run.of("validate", d());

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void thePolicyIsCheckedAsTheServiceChecksItWithExceptionsOnlyFromTheCommandLine() throws IOException {
        write("ha.yaml", container("ha", "  hostNetwork: true\n"));

        Run baseline = Run.of("validate", d());
        assertThat(baseline.code()).isEqualTo(1);
        assertThat(baseline.out()).contains("ha.yaml:6:16: spec.hostNetwork: refused by policy baseline (rule hostNetwork)");

        assertThat(Run.of("validate", "--allow", "ha=hostNetwork", d()).code()).isZero();
        assertThat(Run.of("validate", "--policy", "privileged", d()).code()).isZero();
        Run restricted = Run.of("validate", "--policy", "restricted", "--allow", "ha=hostNetwork", d());
        assertThat(restricted.code()).isEqualTo(1);
        assertThat(restricted.out()).contains("(rule runAsNonRoot)").doesNotContain("rule hostNetwork");
        Run typo = Run.of("validate", "--allow", "ha=hostNet", d());
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown rule \"hostNet\"");
    }

    @Test
    void secretsAreReadFromTheSecretsDirAsTheServiceReadsThem(@TempDir Path secrets) throws IOException {
        Path m = write("m/app.yaml", container("app", "  envFrom: [{file: app.env}]\n"));
        String folder = m.getParent().toString();

        Run missing = Run.of("validate", "--secrets-dir", secrets.toString(), folder);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).contains("app.yaml:6:20: spec.envFrom[0].file: " + secrets.resolve("app.env")
                + " does not exist");

        Files.writeString(secrets.resolve("app.env"), "TOKEN=s3cret\nbroken line\n");
        Run broken = Run.of("validate", "--secrets-dir", secrets.toString(), folder);
        assertThat(broken.out()).contains(secrets.resolve("app.env") + ":2: expected KEY=VALUE").doesNotContain("s3cret")
                .doesNotContain("broken line");

        Files.writeString(secrets.resolve("app.env"), "TOKEN=s3cret\n");
        assertThat(Run.of("validate", "--secrets-dir", secrets.toString(), folder).code()).isZero();
    }

    @Test
    void theShippedExamplesAreValid() {
        Run r = Run.of("validate", "manifests");

        assertThat(r.out()).isEmpty();
        assertThat(r.code()).isZero();
    }

    @Test
    void brokenYamlIsReportedAtFileLineAndColumn() throws IOException {
        write("ok.yaml", container("ok", ""));
        write("sub/bad.yaml", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: bad\n");

        Run r = Run.of("validate", d());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines()).singleElement().asString().matches(d() + "/sub/bad\\.yaml:\\d+:\\d+: .+");
    }

    @Test
    void duplicateNamesAreReportedOnEveryClaim() throws IOException {
        write("a.yaml", container("web", ""));
        write("b.yaml", container("web", ""));

        Run r = Run.of("validate", d());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines()).containsExactly(
                d() + "/a.yaml:1:1: container name \"web\" is also defined at b.yaml:1; none of them is applied until only one is left",
                d() + "/b.yaml:1:1: container name \"web\" is also defined at a.yaml:1; none of them is applied until only one is left");
    }

    @Test
    void anUnknownDependencyPointsAtItsEntry() throws IOException {
        write("web.yaml", container("web", "  dependsOn:\n    - name: db\n"));

        Run r = Run.of("validate", d());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(d() + "/web.yaml:7:13: spec.dependsOn[0].name: unknown container \"db\" (no manifest defines it)\n");
    }

    @Test
    void anEmptyFileIsAProblemAsTheServiceHoldsIt() throws IOException {
        write("empty.yaml", "# nothing yet\n");

        Run r = Run.of("validate", d());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith(d() + "/empty.yaml:1:1: file is empty");
    }

    @Test
    void filesNamedTogetherResolveEachOthersNames() throws IOException {
        Path web = write("web.yaml", container("web", "  dependsOn: [{name: db}]\n"));
        Path db = write("db.yaml", container("db", ""));

        assertThat(Run.of("validate", web.toString(), db.toString()).code()).isZero();
        Run alone = Run.of("validate", web.toString());
        assertThat(alone.code()).isEqualTo(1);
        assertThat(alone.out()).startsWith(web + ":6:").contains("unknown container \"db\"");
    }

    @Test
    void aPathThatDoesNotExistIsAProblem() {
        Run r = Run.of("validate", d() + "/nope");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(d() + "/nope: no such file or directory\n");
    }

    @Test
    void jsonOutputIsAnArrayOfProblems() throws IOException {
        write("web.yaml", container("web", "  dependsOn:\n    - name: db\n"));

        Run r = Run.of("validate", "--output", "json", d());

        assertThat(r.code()).isEqualTo(1);
        JsonNode problems = new ObjectMapper().readTree(r.out());
        assertThat(problems.isArray()).isTrue();
        assertThat(problems).hasSize(1);
        JsonNode p = problems.get(0);
        assertThat(p.get("file").asText()).isEqualTo(d() + "/web.yaml");
        assertThat(p.get("line").asInt()).isEqualTo(7);
        assertThat(p.get("column").asInt()).isEqualTo(13);
        assertThat(p.get("message").asText()).contains("unknown container \"db\"");
    }

    @Test
    void jsonOutputOfAValidFolderIsAnEmptyArray() throws IOException {
        write("web.yaml", container("web", ""));

        Run r = Run.of("validate", "-o", "json", d());

        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo("[ ]");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(Run.of("validate").code()).isEqualTo(2);
        assertThat(Run.of("validate", "--output", "xml", d()).code()).isEqualTo(2);
        assertThat(Run.of("validate", "--frobnicate", d()).code()).isEqualTo(2);
        Run unknown = Run.of("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate");
    }
}
