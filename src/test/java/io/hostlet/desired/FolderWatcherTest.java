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
        AtomicInteger notices = new AtomicInteger();
        try (FolderWatcher watcher = new FolderWatcher(folder, notices::incrementAndGet, DEBOUNCE)) {
            watcher.start();
            awaitNotice(notices, 0);
            int before = notices.get();
            Path team = Files.createDirectory(folder.resolve("team"));
            awaitNotice(notices, before); // the new folder is registered before this notice
            before = notices.get();
            Files.writeString(team.resolve("web.yaml"), "kind: Container\n");
            awaitNotice(notices, before); // seen only through the new folder's own watch
        }
    }

    @Test
    void watchesNestedFoldersMadeAtOnce(@TempDir Path folder) throws Exception {
        AtomicInteger notices = new AtomicInteger();
        try (FolderWatcher watcher = new FolderWatcher(folder, notices::incrementAndGet, DEBOUNCE)) {
            watcher.start();
            awaitNotice(notices, 0);
            int before = notices.get();
            // The root sees only "a" created; "a/b" must be found by the walk that creation causes.
            Path deep = Files.createDirectories(folder.resolve("a/b"));
            awaitNotice(notices, before);
            before = notices.get();
            Files.writeString(deep.resolve("web.yaml"), "kind: Container\n");
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
