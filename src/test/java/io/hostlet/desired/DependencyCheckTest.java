package io.hostlet.desired;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dependsOn} checked across the whole folder: unknown names and cycles are errors with file and line. */
class DependencyCheckTest {

    @TempDir
    Path dir;

    /** A manifest whose dependsOn entries start at line 7. */
    private static String manifest(String name, String image, String... deps) {
        StringBuilder b = new StringBuilder("""
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: %s}
                spec:
                  image: "%s"
                  dependsOn:
                """.formatted(name, image));
        if (deps.length == 0) {
            b.setLength(b.length() - "  dependsOn:\n".length());
        }
        for (String d : deps) {
            b.append("    - {name: ").append(d).append("}\n");
        }
        return b.toString();
    }

    private void write(String relative, String content) throws IOException {
        Files.writeString(dir.resolve(relative), content);
    }

    private static List<String> errors(DesiredState s) {
        return s.errors().stream().map(Object::toString).toList();
    }

    private static String images(DesiredState s) {
        TreeMap<String, String> m = new TreeMap<>();
        s.containers().forEach((n, c) -> m.put(n, c.spec().image()));
        return m.toString();
    }

    @Test
    void dependenciesAcrossFilesResolve() throws IOException {
        write("db.yaml", manifest("db", "db:1"));
        write("web.yaml", manifest("web", "web:1", "db"));

        DesiredState s = new FolderSource(dir).read();

        assertThat(s.errors()).isEmpty();
        assertThat(s.heldFiles()).isEmpty();
        assertThat(images(s)).isEqualTo("{db=db:1, web=web:1}");
    }

    @Test
    void anUnknownNameIsAnErrorAtItsEntryAndHoldsTheFile() throws IOException {
        write("web.yaml", manifest("web", "web:1", "db"));

        DesiredState s = new FolderSource(dir).read();

        assertThat(errors(s)).containsExactly("web.yaml:7:14: spec.dependsOn[0].name: unknown container \"db\" (no manifest defines it)");
        assertThat(s.heldFiles()).containsExactly("web.yaml");
        assertThat(s.containers()).isEmpty();
    }

    @Test
    void aCycleIsAnErrorOnEveryMemberWithThePath() throws IOException {
        write("a.yaml", manifest("aa", "a:1", "bb"));
        write("b.yaml", manifest("bb", "b:1", "cc"));
        write("c.yaml", manifest("cc", "c:1", "aa"));
        write("d.yaml", manifest("dd", "d:1", "aa"));

        DesiredState s = new FolderSource(dir).read();

        assertThat(errors(s)).containsExactly(
                "a.yaml:7:14: spec.dependsOn[0].name: dependency cycle aa -> bb -> cc -> aa",
                "b.yaml:7:14: spec.dependsOn[0].name: dependency cycle bb -> cc -> aa -> bb",
                "c.yaml:7:14: spec.dependsOn[0].name: dependency cycle cc -> aa -> bb -> cc",
                "d.yaml:7:14: spec.dependsOn[0].name: container \"aa\" is not applied (a.yaml is invalid)");
        assertThat(s.heldFiles()).containsExactlyInAnyOrder("a.yaml", "b.yaml", "c.yaml", "d.yaml");
        assertThat(images(s)).isEqualTo("{}");
    }

    @Test
    void aBrokenDependencyWithALastGoodVersionKeepsItsDependentsInForce() throws IOException {
        write("a.yaml", manifest("aa", "a:1"));
        write("d.yaml", manifest("dd", "d:1", "aa"));
        FolderSource source = new FolderSource(dir);
        source.read();

        write("a.yaml", manifest("aa", "a:2", "aa"));
        DesiredState s = source.read();

        assertThat(errors(s)).containsExactly("a.yaml:7:14: spec.dependsOn[0].name: dependency cycle aa -> aa");
        assertThat(s.heldFiles()).containsExactly("a.yaml");
        assertThat(images(s)).isEqualTo("{aa=a:1, dd=d:1}");
    }

    @Test
    void dependingOnItselfIsACycle() throws IOException {
        write("a.yaml", manifest("aa", "a:1", "aa"));

        assertThat(errors(new FolderSource(dir).read())).containsExactly("a.yaml:7:14: spec.dependsOn[0].name: dependency cycle aa -> aa");
    }

    @Test
    void aFileThatBreaksADependencyKeepsItsLastGoodVersion() throws IOException {
        write("db.yaml", manifest("db", "db:1"));
        write("web.yaml", manifest("web", "web:1", "db"));
        FolderSource source = new FolderSource(dir);
        assertThat(images(source.read())).isEqualTo("{db=db:1, web=web:1}");

        write("web.yaml", manifest("web", "web:2", "db", "cache"));
        DesiredState s = source.read();

        assertThat(errors(s)).containsExactly("web.yaml:8:14: spec.dependsOn[1].name: unknown container \"cache\" (no manifest defines it)");
        assertThat(s.heldFiles()).containsExactly("web.yaml");
        assertThat(images(s)).as("web:2 is not applied; web:1 stays").isEqualTo("{db=db:1, web=web:1}");

        write("cache.yaml", manifest("cache", "cache:1"));
        DesiredState fixed = source.read();
        assertThat(fixed.errors()).isEmpty();
        assertThat(images(fixed)).isEqualTo("{cache=cache:1, db=db:1, web=web:2}");
    }

    @Test
    void removingADependencyStillNeededHoldsTheDependentsFileWithoutApplyingIt() throws IOException {
        write("db.yaml", manifest("db", "db:1"));
        write("web.yaml", manifest("web", "web:1", "db"));
        FolderSource source = new FolderSource(dir);
        source.read();

        Files.delete(dir.resolve("db.yaml"));
        DesiredState s = source.read();

        assertThat(errors(s)).containsExactly("web.yaml:7:14: spec.dependsOn[0].name: unknown container \"db\" (no manifest defines it)");
        assertThat(s.heldFiles()).as("web's container is not removed").containsExactly("web.yaml");
        assertThat(images(s)).as("db goes; web's last good version no longer resolves, so it is not applied").isEqualTo("{}");
    }

    @Test
    void aDependencyOnANameClaimedTwiceIsNotUnknown() throws IOException {
        write("db.yaml", manifest("db", "db:1"));
        write("db2.yaml", manifest("db", "db:2"));
        write("web.yaml", manifest("web", "web:1", "db"));

        DesiredState s = new FolderSource(dir).read();

        assertThat(errors(s)).hasSize(2).allMatch(e -> e.contains("container name \"db\" is also defined"));
        assertThat(s.heldNames()).containsExactly("db");
        assertThat(images(s)).isEqualTo("{web=web:1}");
    }
}
