package io.hostlet.desired;

import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.PullPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kind: Image} in the folder: in force, last good per file, and duplicate names held. */
class FolderSourceImagesTest {

    @TempDir
    Path dir;

    private static String image(String name, String ref) {
        return """
                apiVersion: hostlet.io/v1
                kind: Image
                metadata: {name: %s}
                spec: {image: "%s"}
                """.formatted(name, ref);
    }

    private static String container(String name, String ref) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: %s}
                spec: {image: "%s"}
                """.formatted(name, ref);
    }

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static Map<String, String> images(DesiredState state) {
        Map<String, String> out = new TreeMap<>();
        state.images().forEach((name, m) -> out.put(name, m.image()));
        return out;
    }

    @Test
    void readsImagesBesideContainersAndAnImageMayShareAContainersName() throws IOException {
        write("tools.yaml", image("tools", "reg:5000/tools:2.1") + "---\n" + container("tools", "reg:5000/tools:2.1"));
        write("base/cache.yaml", image("cache", "reg:5000/cache"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.errors()).isEmpty();
        assertThat(state.settled()).isTrue();
        assertThat(images(state)).isEqualTo(Map.of("cache", "reg:5000/cache", "tools", "reg:5000/tools:2.1"));
        assertThat(state.images().get("cache").imagePullPolicy()).isEqualTo(PullPolicy.Always);
        assertThat(state.containers()).containsOnlyKeys("tools");
    }

    @Test
    void keepsTheLastGoodImagesWhileAFileIsInvalid() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("tools.yaml", image("tools", "reg:5000/tools:1"));
        source.read();

        write("tools.yaml", image("tools", "reg:5000/tools:2").replace("spec:", "spce:"));
        DesiredState broken = source.read();

        assertThat(images(broken)).isEqualTo(Map.of("tools", "reg:5000/tools:1"));
        assertThat(broken.heldFiles()).containsExactly("tools.yaml");
        assertThat(broken.settled()).as("a held file blocks image garbage collection").isFalse();

        write("tools.yaml", image("tools", "reg:5000/tools:2"));
        DesiredState fixed = source.read();

        assertThat(images(fixed)).isEqualTo(Map.of("tools", "reg:5000/tools:2"));
        assertThat(fixed.settled()).isTrue();
    }

    @Test
    void holdsAnImageNameClaimedTwiceAndAppliesNeither() throws IOException {
        write("a.yaml", image("tools", "reg:5000/tools:1"));
        write("b.yaml", image("tools", "reg:5000/tools:2") + "---\n" + image("other", "reg:5000/other:1"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(images(state)).isEqualTo(Map.of("other", "reg:5000/other:1"));
        assertThat(state.heldImages()).containsExactly("tools");
        assertThat(state.heldNames()).isEmpty();
        assertThat(state.settled()).isFalse();
        assertThat(state.errors()).extracting(ManifestError::toString).containsExactlyInAnyOrder(
                "a.yaml:1:1: image name \"tools\" is also defined at b.yaml:1; none of them is applied until only one is left",
                "b.yaml:1:1: image name \"tools\" is also defined at a.yaml:1; none of them is applied until only one is left");
    }

    @Test
    void aDeletedFileTakesItsImagesAlong() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("tools.yaml", image("tools", "reg:5000/tools:1"));
        source.read();

        Files.delete(dir.resolve("tools.yaml"));

        assertThat(source.read().images()).isEmpty();
    }
}
