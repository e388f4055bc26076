package io.hostlet.desired;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watched folder is not read again while its watcher has seen nothing: the watcher's notice and the resync timer
 * make the next read look again. The case the resync exists for: a symlinked file changed outside the folder, which
 * no watch on the folder sees.
 */
class FolderSourceCacheTest {

    private static String manifest(String name, String gen) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: %s}
                spec:
                  image: busybox:1
                  env: [{name: GEN, value: "%s"}]
                """.formatted(name, gen);
    }

    private static String gen(DesiredState d, String name) {
        return d.containers().get(name).spec().env().stream().filter(e -> e.name().equals("GEN")).findFirst().orElseThrow().value();
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
}
