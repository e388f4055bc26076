package io.hostlet.desired;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * The watcher notices changes in the folder and in subfolders, including subfolders made after it started: it walks
 * the tree again only when a burst created a folder, so these cases are what that walk must not miss.
 */
class FolderWatcherTest {

    private static final Duration DEBOUNCE = Duration.ofMillis(50);

    /** Waits for the notice a change causes: one more than {@code before}. */
    private static void awaitNotice(AtomicInteger notices, int before) {
        await().atMost(Duration.ofSeconds(10)).until(() -> notices.get() > before);
    }

    @Test
    void noticesAFileWrittenInTheFolder(@TempDir Path folder) throws Exception {
        AtomicInteger notices = new AtomicInteger();
        try (FolderWatcher watcher = new FolderWatcher(folder, notices::incrementAndGet, DEBOUNCE)) {
            watcher.start();
            awaitNotice(notices, 0); // the first notice: watching from now on
            int before = notices.get();
            Files.writeString(folder.resolve("web.yaml"), "kind: Container\n");
            awaitNotice(notices, before);
        }
    }

    @Test
    void watchesASubfolderMadeAfterItStarted(@TempDir Path folder) throws Exception {
        assertANewFolderIsWatched(folder, () -> Files.createDirectory(folder.resolve("team")));
    }

    @Test
    void watchesNestedFoldersMadeAtOnce(@TempDir Path folder) throws Exception {
        // The root sees only "a" created; "a/b" must be found by the walk that creation causes.
        assertANewFolderIsWatched(folder, () -> Files.createDirectories(folder.resolve("a/b")));
    }

    /** What makes a folder while the watcher runs; returns the folder to write in. */
    private interface MakeFolder {
        Path make() throws java.io.IOException;
    }

    /** Making the folder brings a notice, and so does writing a file in it, seen only through its own watch. */
    private static void assertANewFolderIsWatched(Path folder, MakeFolder makeFolder) throws Exception {
        AtomicInteger notices = new AtomicInteger();
        try (FolderWatcher watcher = new FolderWatcher(folder, notices::incrementAndGet, DEBOUNCE)) {
            watcher.start();
            awaitNotice(notices, 0);
            int before = notices.get();
            Path made = makeFolder.make();
            awaitNotice(notices, before); // the new folder is registered before this notice
            before = notices.get();
            Files.writeString(made.resolve("web.yaml"), "kind: Container\n");
            awaitNotice(notices, before);
        }
    }

    @Test
    void noticesAChangeInASubfolderThatExistedAtTheStart(@TempDir Path folder) throws Exception {
        Path team = Files.createDirectory(folder.resolve("team"));
        AtomicInteger notices = new AtomicInteger();
        try (FolderWatcher watcher = new FolderWatcher(folder, notices::incrementAndGet, DEBOUNCE)) {
            watcher.start();
            awaitNotice(notices, 0);
            int before = notices.get();
            Files.writeString(team.resolve("web.yaml"), "kind: Container\n");
            awaitNotice(notices, before);
        }
    }
}
