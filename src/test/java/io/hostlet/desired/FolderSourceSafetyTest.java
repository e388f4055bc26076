package io.hostlet.desired;

import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Half-written input and oversized folders never take away what is in force. */
class FolderSourceSafetyTest {

    @TempDir
    Path dir;

    private static String manifest(String name) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: %s}
                spec: {image: "img:1"}
                """.formatted(name);
    }

    private void write(String rel, String content) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "\n", "   \n\t\n", "# just a comment\n", "---\n", "---\n---\n# c\n...\n", "\uFEFF"})
    void anEmptiedFileKeepsItsLastGoodVersionAndIsHeld(String content) throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web"));
        write("db.yaml", manifest("db"));
        source.read();

        write("web.yaml", content);
        DesiredState state = source.read();

        assertThat(state.complete()).isTrue();
        assertThat(state.containers()).containsOnlyKeys("web", "db");
        assertThat(state.heldFiles()).containsExactly("web.yaml");
        assertThat(state.errors()).containsExactly(new ManifestError("web.yaml", 1, 1, FolderSource.EMPTY_FILE));
    }

    @Test
    void anEmptyFileWithoutALastGoodVersionContributesNothingButIsHeld() throws IOException {
        write("web.yaml", "");
        write("db.yaml", manifest("db"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.containers()).containsOnlyKeys("db");
        assertThat(state.heldFiles()).containsExactly("web.yaml"); // so containers labelled with it are not removed
        assertThat(state.complete()).isTrue();
    }

    @Test
    void deletingTheEmptiedFileReleasesIt() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web"));
        source.read();
        write("web.yaml", "");
        source.read();

        Files.delete(dir.resolve("web.yaml"));
        DesiredState state = source.read();

        assertThat(state.containers()).isEmpty();
        assertThat(state.heldFiles()).isEmpty();
        assertThat(state.errors()).isEmpty();
    }

    @Test
    void tooManyFilesMakeTheReadIncompleteAndKeepTheLastGoodState() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web"));
        source.read();
        for (int i = 0; i < FolderSource.MAX_FILES; i++) {
            write("many/f" + i + ".yaml", "# nothing\n");
        }

        DesiredState state = source.read();

        assertThat(state.complete()).isFalse();
        assertThat(state.problem()).startsWith("more than 1000 manifest files");
        assertThat(state.containers()).containsOnlyKeys("web");
        assertThat(state.errors()).extracting(ManifestError::message).contains(state.problem());
    }

    @Test
    void tooManyBytesTogetherMakeTheReadIncompleteAndKeepTheLastGoodState() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web"));
        source.read();
        String big = "# " + "x".repeat(ManifestParser.MAX_FILE_BYTES - 10) + "\n";
        for (int i = 0; i <= FolderSource.MAX_TOTAL_BYTES / ManifestParser.MAX_FILE_BYTES; i++) {
            write("big/f" + i + ".yaml", big);
        }

        DesiredState state = source.read();

        assertThat(state.complete()).isFalse();
        assertThat(state.problem()).contains("more than the limit of " + FolderSource.MAX_TOTAL_BYTES);
        assertThat(state.containers()).containsOnlyKeys("web");
        assertThat(state.heldFiles()).contains("web.yaml");
    }
}
