package io.hostlet.desired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Watches the secrets folder: a changed secret, env file or env value must make the next read look again (and
 * recreate the containers using it) like a manifest edit. The notice carries nothing: the next read re-reads every
 * source. A folder that does not exist yet is not watched; the resync timer covers it. Shared by every source whose
 * manifests may take content from the secrets folder.
 */
public final class SecretsWatch implements AutoCloseable {

    private final Path dir;
    private final Duration debounce;
    private FolderWatcher watcher;

    public SecretsWatch(Path dir, Duration debounce) {
        this.dir = dir;
        this.debounce = debounce;
    }

    /** Starts watching, once, when the folder exists; each change runs {@code onChange}. */
    public synchronized void start(Runnable onChange) {
        if (watcher == null && Files.isDirectory(dir)) {
            watcher = new FolderWatcher(dir, onChange, debounce);
            watcher.start();
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }
}
