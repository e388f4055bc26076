package io.hostlet.desired;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
                    WatchKey key = ws.take();
                    drain(key);
                    // Debounce: keep swallowing events until the folder has been quiet for a moment.
                    WatchKey more;
                    while ((more = ws.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                        drain(more);
                    }
                    register(ws); // pick up new subfolders
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

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** Registers the folder and every subfolder not hidden; false when the folder is not there. */
    private boolean register(WatchService ws) throws IOException {
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (Stream<Path> dirs = Files.walk(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS).toArray(FileVisitOption[]::new))) {
            dirs.filter(Files::isDirectory)
                    .filter(d -> d.equals(root) || !root.relativize(d).toString().matches("(^|.*/)\\..*"))
                    .forEach(d -> {
                        try {
                            d.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                                    StandardWatchEventKinds.ENTRY_MODIFY);
                        } catch (IOException e) {
                            LOG.debugf("cannot watch %s: %s", d, e.getMessage());
                        }
                    });
        } catch (IOException | RuntimeException e) {
            // a loop or a vanishing subfolder: what was registered stays, the resync covers the rest
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
