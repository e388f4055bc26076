package io.hostlet.desired;

import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.SourceRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class FolderSourceTest {

    @TempDir
    Path dir;

    private static String manifest(String name, String image) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: %s}
                spec: {image: "%s"}
                """.formatted(name, image);
    }

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static Map<String, String> imagesByName(DesiredState state) {
        Map<String, String> out = new TreeMap<>();
        state.containers().forEach((name, m) -> out.put(name, m.spec().image()));
        return out;
    }

    @Test
    void readsManifestsFromNestedFoldersWithSlashSeparatedPaths() throws IOException {
        write("web.yaml", manifest("web", "nginx:1"));
        write("team/api.yml", manifest("api", "api:1") + "---\n" + manifest("worker", "api:1"));
        write("team/deep/db.yaml", manifest("db", "postgres:16"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.complete()).isTrue();
        assertThat(state.problem()).isNull();
        assertThat(state.errors()).isEmpty();
        assertThat(state.heldFiles()).isEmpty();
        assertThat(state.heldNames()).isEmpty();
        assertThat(state.containers()).extractingFromEntries(e -> e.getKey() + " from " + e.getValue().source())
                .containsExactlyInAnyOrder("web from web.yaml:1", "api from team/api.yml:1",
                        "worker from team/api.yml:6", "db from team/deep/db.yaml:1");
    }

    @Test
    void anUnchangedFileIsNotParsedAgain() throws IOException {
        write("web.yaml", manifest("web", "nginx:1"));
        FolderSource source = new FolderSource(dir);

        var first = source.read().containers().get("web");
        var second = source.read().containers().get("web");

        assertThat(second).isSameAs(first); // the cached parse, not an equal copy
    }

    @Test
    void aRewriteWithTheSameSizeAndMtimeIsStillSeen() throws IOException {
        // The cache compares content, so a copy that keeps size and mtime (cp -p, rsync -t) cannot hide an edit.
        Path file = write("web.yaml", manifest("web", "nginx:1"));
        var mtime = Files.getLastModifiedTime(file);
        FolderSource source = new FolderSource(dir);
        assertThat(imagesByName(source.read())).containsEntry("web", "nginx:1");

        Files.writeString(file, manifest("web", "nginx:2"));
        Files.setLastModifiedTime(file, mtime);

        assertThat(imagesByName(source.read())).containsEntry("web", "nginx:2");
    }

    @Test
    void anEmptyFolderIsACompleteStateWithNothingDesired() {
        DesiredState state = new FolderSource(dir).read();

        assertThat(state).isEqualTo(new DesiredState(Map.of(), Set.of(), Set.of(),
                List.of(), true, null));
    }

    @ParameterizedTest(name = "ignores {0}")
    @ValueSource(strings = {".hidden.yaml", ".git/web.yaml", ".cache/deep/web.yaml", "team/.old/web.yaml",
            "web.yaml~", "web.yaml.swp", ".web.yaml.swp", "web.yaml.tmp", "web.yaml.bak", "web.yaml.part",
            "notes.txt", "web.json", "web.YAML.orig"})
    void ignoresDotfilesEditorLeftoversAndOtherExtensions(String name) throws IOException {
        write("real.yaml", manifest("real", "nginx:1"));
        write(name, "this would be an error: [ if it were read");

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.errors()).isEmpty();
        assertThat(state.containers()).containsOnlyKeys("real");
    }

    @Test
    void readsAManifestFolderWhoseOwnNameStartsWithADot() throws IOException {
        Path hidden = Files.createDirectories(dir.resolve(".manifests"));
        Files.writeString(hidden.resolve("web.yaml"), manifest("web", "nginx:1"));

        assertThat(new FolderSource(hidden).read().containers()).containsOnlyKeys("web");
    }

    @Test
    void keepsTheLastGoodManifestsWhileAFileIsInvalid() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web", "nginx:1"));
        source.read();

        write("web.yaml", manifest("web", "nginx:2").replace("spec:", "spce:"));
        DesiredState broken = source.read();

        assertThat(imagesByName(broken)).containsExactlyEntriesOf(Map.of("web", "nginx:1"));
        assertThat(broken.heldFiles()).containsExactly("web.yaml");
        assertThat(broken.errors()).extracting(ManifestError::toString).containsExactly(
                "web.yaml:1:1: spec is required",
                "web.yaml:4:1: unknown field \"spce\" at the top level (known: apiVersion, kind, metadata, spec)");
        assertThat(broken.complete()).isTrue();

        write("web.yaml", manifest("web", "nginx:3"));
        DesiredState fixed = source.read();

        assertThat(imagesByName(fixed)).containsExactlyEntriesOf(Map.of("web", "nginx:3"));
        assertThat(fixed.heldFiles()).isEmpty();
        assertThat(fixed.errors()).isEmpty();
    }

    @Test
    void keepsTheLastGoodVersionAcrossSeveralInvalidReads() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web", "nginx:1"));
        source.read();
        write("web.yaml", "kind: [");
        source.read();

        write("web.yaml", "still: [broken");
        DesiredState state = source.read();

        assertThat(imagesByName(state)).containsExactlyEntriesOf(Map.of("web", "nginx:1"));
        assertThat(state.heldFiles()).containsExactly("web.yaml");
    }

    @Test
    void holdsAFileThatWasNeverValidWithNothingInForce() throws IOException {
        write("web.yaml", manifest("web", "nginx 1"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.containers()).isEmpty();
        assertThat(state.heldFiles()).containsExactly("web.yaml");
        assertThat(state.errors()).singleElement().extracting(ManifestError::line).isEqualTo(4);
    }

    @Test
    void holdsAFileThatIsNotUtf8WithAnErrorAtItsFirstBadByte() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web", "nginx:1"));
        source.read();

        Files.write(dir.resolve("web.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        DesiredState state = source.read();

        assertThat(imagesByName(state)).containsExactlyEntriesOf(Map.of("web", "nginx:1"));
        assertThat(state.heldFiles()).containsExactly("web.yaml");
        assertThat(state.errors()).containsExactly(
                new ManifestError("web.yaml", 1, 4,
                        "cannot read file: not valid UTF-8 (byte 0xc3 at offset 3); manifests are UTF-8 text"));
    }

    @Test
    void holdsABrokenSymlink() throws IOException {
        Files.createSymbolicLink(dir.resolve("web.yaml"), dir.resolve("nowhere.yaml"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.heldFiles()).containsExactly("web.yaml");
        assertThat(state.errors()).containsExactly(new ManifestError("web.yaml", 0, 0, "cannot read file: broken symlink"));
    }

    @Test
    void forgetsAFileThatWasDeleted() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web", "nginx:1"));
        write("team/api.yaml", manifest("api", "api:1"));
        source.read();

        Files.delete(dir.resolve("team/api.yaml"));
        DesiredState state = source.read();

        assertThat(state.containers()).containsOnlyKeys("web");
        assertThat(state.heldFiles()).isEmpty();
    }

    @Test
    void forgetsTheLastGoodVersionOfADeletedInvalidFile() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("web.yaml", manifest("web", "nginx:1"));
        source.read();
        write("web.yaml", "broken: [");
        source.read();
        Files.delete(dir.resolve("web.yaml"));
        source.read();

        write("web.yaml", "broken: [");
        DesiredState state = source.read();

        assertThat(state.containers()).isEmpty();
        assertThat(state.heldFiles()).containsExactly("web.yaml");
    }

    @Test
    void holdsANameClaimedInTwoFilesAndAppliesNeither() throws IOException {
        write("a.yaml", manifest("web", "nginx:1"));
        write("team/b.yaml", "# moved here\n" + manifest("web", "nginx:2"));
        write("c.yaml", manifest("other", "nginx:1"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.containers()).containsOnlyKeys("other");
        assertThat(state.heldNames()).containsExactly("web");
        assertThat(state.heldFiles()).isEmpty();
        assertThat(state.errors()).extracting(ManifestError::toString).containsExactly(
                "a.yaml:1:1: container name \"web\" is also defined at team/b.yaml:2; none of them is applied until"
                        + " only one is left",
                "team/b.yaml:2:1: container name \"web\" is also defined at a.yaml:1; none of them is applied until"
                        + " only one is left");
    }

    @Test
    void holdsANameClaimedTwiceInOneFile() throws IOException {
        write("web.yaml", manifest("web", "nginx:1") + "---\n" + manifest("web", "nginx:2"));

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.containers()).isEmpty();
        assertThat(state.heldNames()).containsExactly("web");
        assertThat(state.errors()).extracting(e -> e.line() + " " + e.message()).containsExactly(
                "1 container name \"web\" is also defined at web.yaml:6; none of them is applied until only one is left",
                "6 container name \"web\" is also defined at web.yaml:1; none of them is applied until only one is left");
    }

    @Test
    void releasesAHeldNameOnceOnlyOneClaimIsLeft() throws IOException {
        FolderSource source = new FolderSource(dir);
        write("a.yaml", manifest("web", "nginx:1"));
        write("b.yaml", manifest("web", "nginx:2"));
        source.read();

        Files.delete(dir.resolve("a.yaml"));
        DesiredState state = source.read();

        assertThat(imagesByName(state)).containsExactlyEntriesOf(Map.of("web", "nginx:2"));
        assertThat(state.heldNames()).isEmpty();
    }

    @Test
    void aMissingFolderGivesAnIncompleteStateAndKeepsTheMemory() throws IOException {
        Path folder = dir.resolve("manifests");
        FolderSource source = new FolderSource(folder);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("web.yaml"), manifest("web", "nginx:1"));
        source.read();

        Files.move(folder, dir.resolve("away"));
        DesiredState missing = source.read();

        assertThat(missing.complete()).isFalse();
        assertThat(missing.problem()).isEqualTo("manifests folder " + folder + " does not exist");
        assertThat(missing.containers()).isEmpty();

        Files.move(dir.resolve("away"), folder);
        Files.writeString(folder.resolve("web.yaml"), "broken: [");
        DesiredState back = source.read();

        assertThat(back.complete()).isTrue();
        assertThat(imagesByName(back)).as("the last good version from before the outage")
                .containsExactlyEntriesOf(Map.of("web", "nginx:1"));
        assertThat(back.heldFiles()).containsExactly("web.yaml");
    }

    @Test
    void aFileInPlaceOfTheFolderGivesAnIncompleteState() throws IOException {
        Path notADir = write("manifests", "hello");

        DesiredState state = new FolderSource(notADir).read();

        assertThat(state.complete()).isFalse();
        assertThat(state.problem()).isEqualTo("manifests folder " + notADir + " is not a directory");
    }

    @Test
    void followsAConfigMapStyleSymlinkSwap() throws IOException {
        write("..2024_01_01_v1/web.yaml", manifest("web", "nginx:1"));
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2024_01_01_v1"));
        Files.createSymbolicLink(dir.resolve("web.yaml"), Path.of("..data/web.yaml"));
        FolderSource source = new FolderSource(dir);

        DesiredState before = source.read();

        assertThat(imagesByName(before)).containsExactlyEntriesOf(Map.of("web", "nginx:1"));
        assertThat(before.containers().get("web").source()).isEqualTo(new SourceRef("web.yaml", 1));

        // What the kubelet does: write the new version aside, then atomically repoint ..data.
        write("..2024_01_02_v2/web.yaml", manifest("web", "nginx:2"));
        Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2024_01_02_v2"));
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        DesiredState after = source.read();

        assertThat(imagesByName(after)).containsExactlyEntriesOf(Map.of("web", "nginx:2"));
        assertThat(after.errors()).isEmpty();
    }

    @Test
    void followsASymlinkedSubfolder() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("api.yaml"), manifest("api", "api:1"));
        Path folder = Files.createDirectories(dir.resolve("manifests"));
        Files.createSymbolicLink(folder.resolve("team"), elsewhere);

        DesiredState state = new FolderSource(folder).read();

        assertThat(state.containers().get("api").source()).isEqualTo(new SourceRef("team/api.yaml", 1));
    }

    @Test
    void reportsASymlinkLoopAndReadsEverythingElse() throws IOException {
        write("web.yaml", manifest("web", "nginx:1"));
        write("team/api.yaml", manifest("api", "api:1"));
        Files.createSymbolicLink(dir.resolve("team/loop"), dir);

        DesiredState state = new FolderSource(dir).read();

        assertThat(state.complete()).isTrue();
        assertThat(state.containers()).containsOnlyKeys("web", "api");
        assertThat(state.errors()).containsExactly(
                new ManifestError("team/loop", 0, 0, "symlink loop: it leads back to a folder that contains it; skipped"));
        assertThat(state.heldNames()).isEmpty();
    }
}
