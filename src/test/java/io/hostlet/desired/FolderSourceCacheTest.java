package io.hostlet.desired;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watched folder is not read again while its watcher has seen nothing: the watcher's notice and the resync timer
 * make the next read look again. The case the resync exists for: a symlinked file changed outside the folder, which
 * no watch on the folder sees.
 *
 * <p>While the watcher runs, a file whose stamp (inode, size, mtime, ctime) has settled is not opened; a resync read
 * opens every file.
 */
class FolderSourceCacheTest {

    private static String manifest(String name, String gen) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: c-%s}
                spec:
                  image: busybox:1
                  env: [{name: GEN, value: "%s"}]
                """.formatted(name, gen);
    }

    private static String gen(DesiredState d, String name) {
        return d.containers().get("c-" + name).spec().env().stream().filter(e -> e.name().equals("GEN")).findFirst().orElseThrow().value();
    }

    @Test
    void aWatchedFolderIsReadAgainOnlyWhenTheWatcherOrTheResyncSaysSo(@TempDir Path tmp) throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("manifests"));
        Path outside = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.writeString(outside.resolve("linked.yaml"), manifest("linked", "1"));
        Files.createSymbolicLink(folder.resolve("linked.yaml"), outside.resolve("linked.yaml"));
        Files.writeString(folder.resolve("web.yaml"), manifest("web", "1"));
        AtomicInteger notices = new AtomicInteger();
        try (FolderSource source = new FolderSource(folder)) {
            source.start(notices::incrementAndGet);
            await().until(() -> notices.get() >= 1); // watching from now on
            assertThat(source.unread()).as("the first notice, not read yet").isTrue();
            DesiredState first = source.read();
            assertThat(gen(first, "linked")).isEqualTo("1");
            assertThat(source.unread()).isFalse();

            // Not seen by the watch (outside the folder): the last read stands until the resync.
            Files.writeString(outside.resolve("linked.yaml"), manifest("linked", "2"));
            assertThat(source.read()).isSameAs(first);
            source.resyncRequested();
            assertThat(source.unread()).isTrue();
            DesiredState afterResync = source.read();
            assertThat(gen(afterResync, "linked")).isEqualTo("2");

            // Seen by the watch: the notice comes before the pass it asks for, and that pass reads the change.
            int before = notices.get();
            Files.writeString(folder.resolve("web.yaml"), manifest("web", "2"));
            await().until(() -> notices.get() > before);
            assertThat(source.unread()).as("what lets the pass skip the pacing").isTrue();
            assertThat(gen(source.read(), "web")).isEqualTo("2");
            assertThat(source.unread()).isFalse();
        }
    }

    @Test
    void withoutAWatcherEveryReadReads(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("web.yaml"), manifest("web", "1"));
        FolderSource source = new FolderSource(folder);
        assertThat(gen(source.read(), "web")).isEqualTo("1");
        Files.writeString(folder.resolve("web.yaml"), manifest("web", "2"));
        assertThat(gen(source.read(), "web")).isEqualTo("2");
    }

    @Test
    void aSettledFileIsNotOpenedWhileItsStampHolds(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("a.yaml"), manifest("a", "1"));
        Files.writeString(folder.resolve("b.yaml"), manifest("b", "1"));
        AtomicInteger notices = new AtomicInteger();
        try (FolderSource source = watchedAndRead(folder, Duration.ZERO, notices)) {
            assertThat(source.filesOpenedByLastRead()).as("the first read").isEqualTo(2);

            change(source, notices, folder.resolve("c.yaml"), manifest("c", "1"));
            DesiredState second = source.read();
            assertThat(second.containers()).containsOnlyKeys("c-a", "c-b", "c-c");
            assertThat(source.filesOpenedByLastRead()).as("a and b compared once more, and settled").isEqualTo(3);

            change(source, notices, folder.resolve("c.yaml"), manifest("c", "2"));
            DesiredState third = source.read();
            assertThat(source.filesOpenedByLastRead()).as("only c, whose stamp moved").isEqualTo(1);
            assertThat(gen(third, "c")).isEqualTo("2");
            assertThat(third.containers().get("c-a")).isSameAs(second.containers().get("c-a"));

            source.resyncRequested();
            assertThat(source.read().containers()).hasSize(3);
            assertThat(source.filesOpenedByLastRead()).as("the resync trusts no stamp").isEqualTo(3);
        }
    }

    @Test
    void aRewriteOfTheSameSizeThatPutsTheMtimeBackIsSeen(@TempDir Path folder) throws Exception {
        Path a = folder.resolve("a.yaml");
        Files.writeString(a, manifest("a", "1"));
        AtomicInteger notices = new AtomicInteger();
        try (FolderSource source = watchedAndRead(folder, Duration.ZERO, notices)) {
            change(source, notices, folder.resolve("b.yaml"), manifest("b", "1"));
            source.read(); // a settles
            change(source, notices, folder.resolve("b.yaml"), manifest("b", "2"));
            source.read();
            assertThat(source.filesOpenedByLastRead()).as("a is known by its stamp").isEqualTo(1);

            // In place (same inode), same size, mtime put back, as cp -p or tar -x over an old file do: the ctime moved.
            FileTime mtime = Files.getLastModifiedTime(a);
            change(source, notices, a, manifest("a", "2"));
            Files.setLastModifiedTime(a, mtime);
            assertThat(gen(source.read(), "a")).isEqualTo("2");
        }
    }

    @Test
    void aStampIsNotTrustedBeforeItSettles(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("a.yaml"), manifest("a", "1"));
        AtomicInteger notices = new AtomicInteger();
        try (FolderSource source = watchedAndRead(folder, Duration.ofHours(1), notices)) {
            for (String gen : new String[] {"1", "2"}) {
                change(source, notices, folder.resolve("b.yaml"), manifest("b", gen));
                source.read();
                assertThat(source.filesOpenedByLastRead()).as("a's stamp is younger than the wait").isEqualTo(2);
            }
        }
    }

    /** A source of {@code folder} whose stamps settle after {@code settle}, watching, after its first read. */
    private static FolderSource watchedAndRead(Path folder, Duration settle, AtomicInteger notices) {
        FolderSource source = new FolderSource(folder);
        source.stampsSettleAfter(settle);
        source.start(notices::incrementAndGet);
        await().until(() -> notices.get() >= 1);
        source.read();
        return source;
    }

    /** Writes {@code file} and waits for the watcher's notice, so the next read is one the watcher asked for. */
    private static void change(FolderSource source, AtomicInteger notices, Path file, String content) throws Exception {
        int before = notices.get();
        Files.writeString(file, content);
        await().until(() -> notices.get() > before && source.unread());
    }
}
