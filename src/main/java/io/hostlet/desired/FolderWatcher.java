package io.hostlet.desired;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * Turns changes under the manifests folder into a payload-free "something changed" signal. Events are
 * debounced (an editor's save is several events) and carry nothing: the reconciler reads the whole folder.
 * The watch is re-armed when the folder or a subfolder appears later; missed events are harmless because
 * the resync timer reads everything anyway.
 */
public final class FolderWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FolderWatcher.class);

    private final Path root;
    private final Runnable onChange;
    private final Duration debounce;
    private final Thread thread;
    private volatile WatchService watch;
    private volatile boolean closed;

    public FolderWatcher(Path root, Runnable onChange, Duration debounce) {
        this.root = root;
        this.onChange = onChange;
        this.debounce = debounce;
        this.thread = new Thread(this::loop, "hostlet-watch");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (!closed) {
            try (WatchService ws = FileSystems.getDefault().newWatchService()) {
                watch = ws;
                if (!register(ws)) {
                    TimeUnit.SECONDS.sleep(1); // folder missing: look again shortly
                    continue;
                }
                onChange.run(); // it may have changed while it was not watched
                while (!closed) {
                    boolean newFolder = drain(ws.take());
                    // Debounce: keep swallowing events until the folder has been quiet for a moment.
                    WatchKey more;
                    while ((more = ws.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                        newFolder |= drain(more);
                    }
                    if (newFolder) {
                        register(ws); // before the notice: the read that follows must not miss the new folder's files
                    }
                    onChange.run();
                    if (!Files.isDirectory(root)) {
                        break; // the folder went away: start over
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (IOException e) {
                LOG.debugf("watching %s: %s", root, e.getMessage());
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Empties a key; true when a folder to watch may have appeared: one was created, or the kernel lost events. Only
     * then is the tree walked again: walking it after every burst cost 8-10 ms with 500 files, between a save and
     * the pass that reads it.
     */
    private static boolean drain(WatchKey key) {
        boolean newFolder = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            newFolder = newFolder || e.kind() == StandardWatchEventKinds.OVERFLOW
                    || e.kind() == StandardWatchEventKinds.ENTRY_CREATE && key.watchable() instanceof Path dir
                    && e.context() instanceof Path name && !FolderReader.hiddenFolder(name)
                    && Files.isDirectory(dir.resolve(name));
        }
        key.reset();
        return newFolder;
    }

    /** Registers the folder and every subfolder not hidden; false when the folder is not there. */
    private boolean register(WatchService ws) throws IOException {
        if (!Files.isDirectory(root)) {
            return false;
        }
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && FolderReader.hiddenFolder(dir.getFileName())) {
                        return FileVisitResult.SKIP_SUBTREE; // the reader skips it too
                    }
                    try {
                        dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                                StandardWatchEventKinds.ENTRY_MODIFY);
                    } catch (IOException e) {
                        LOG.debugf("cannot watch %s: %s", dir, e.getMessage());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // a loop or a vanishing subfolder: the others are still watched, the resync covers the rest
                    LOG.debugf("cannot watch %s: %s", file, e.getMessage());
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.debugf("walking %s: %s", root, e.getMessage());
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        WatchService ws = watch;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
