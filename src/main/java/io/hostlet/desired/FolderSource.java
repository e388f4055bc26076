package io.hostlet.desired;

import io.hostlet.policy.Policy;

import java.nio.file.Path;
import java.util.List;

/**
 * The desired state from a folder of manifest files ({@code *.yaml}, {@code *.yml}, in subfolders too), read by a
 * {@link FolderReader} and made whole and safe by the {@link Assembler}: a file that turns invalid or empty keeps its
 * last good version in force (see {@link #EMPTY_FILE}), names claimed twice are held, nothing is removed over the
 * limits ({@link #MAX_FILES}, {@link #MAX_TOTAL_BYTES}) or while the folder cannot be read.
 *
 * <p>This class adds what watching brings: the folder and the secrets folder are watched, and while nothing changed
 * since the last complete read that read is returned as it was; a read the watcher asked for trusts the files'
 * settled stamps, the resync's compares every file's bytes.
 *
 * <p>Not thread-safe: {@link #read} must be called from one thread at a time (the reconcile loop).
 */
public final class FolderSource implements DesiredSource {

    /** The status entry of a file that holds no document (see {@link Assembler#EMPTY_FILE}). */
    public static final String EMPTY_FILE = Assembler.EMPTY_FILE;

    /** Most manifest files a folder (with its subfolders) may hold; more makes the read incomplete. */
    public static final int MAX_FILES = FolderReader.MAX_FILES;

    /** Most bytes all manifest files may hold together; more makes the read incomplete. */
    public static final long MAX_TOTAL_BYTES = FolderReader.MAX_TOTAL_BYTES;

    /**
     * Long enough to swallow an editor's burst of events for one save (they come within a few milliseconds), short
     * because every change waits it out: with 500 containers a changed manifest reached running in 1,022-1,108 ms
     * with 100 ms, of which 800-950 ms were the engine's create, stop and start, and 865 ms with 50 ms. A file read
     * mid-write that is empty or does not parse is held at its last good version (see {@link #EMPTY_FILE}); the
     * write's later events bring another notice.
     */
    public static final java.time.Duration WATCH_DEBOUNCE = java.time.Duration.ofMillis(50);

    private final FolderReader reader;
    private FolderWatcher watcher;
    /** Whether {@link #watcher} runs: read without the lock by {@link #read} and {@link #unread}. */
    private volatile boolean watched;
    /**
     * Whether the folder may have changed since {@link #lastRead}: set by the watcher (before it asks for a pass), by
     * the resync timer, and at start; cleared just before a read, so a change during the read makes the next read look
     * again. Without a running watcher every read reads.
     */
    private volatile boolean dirty = true;
    /**
     * Whether the next read compares every file's bytes, trusting no file's stamp: set at start and by the resync
     * timer, so whatever a stamp could miss is seen within one resync interval, like a missed notification.
     */
    private final java.util.concurrent.atomic.AtomicBoolean verify = new java.util.concurrent.atomic.AtomicBoolean(true);
    /** The last complete read, returned as is while nothing changed (see {@link #read}). */
    private DesiredState lastRead;
    /** Each file's last good version, as of the last read that could read the folder. */
    private Assembler.LastGood lastGood = Assembler.LastGood.NONE;
    /** Watches the secrets folder, whose changes must recreate containers like a manifest edit. */
    private final SecretsWatch secrets;

    /** The folder, under the default policy ({@link Policy#baseline()}). */
    public FolderSource(Path folder) {
        this(folder, Policy.baseline());
    }

    /** The folder, with secrets looked up in {@link SourceFiles#DEFAULT_DIR}. */
    public FolderSource(Path folder, Policy policy) {
        this(folder, policy, new SourceFiles(SourceFiles.DEFAULT_DIR, List.of()));
    }

    public FolderSource(Path folder, Policy policy, SourceFiles sourceFiles) {
        this(new FolderReader(folder, policy, sourceFiles));
    }

    private FolderSource(FolderReader reader) {
        this.reader = reader;
        this.secrets = new SecretsWatch(reader.sourceFiles().secretsDir(), WATCH_DEBOUNCE);
    }

    /**
     * A source that reads exactly these files, together, as if they were one folder: same name rules (a dotfile,
     * an editor leftover or a name not ending in {@code .yaml}/{@code .yml} is skipped), same limits, same checks
     * across files (duplicate names, dependencies). Errors name each file as given here, with {@code /}
     * separators. For {@code hostlet validate FILE...}, which has no folder to walk; never watched.
     */
    public static FolderSource ofFiles(List<Path> files) {
        return ofFiles(files, Policy.baseline());
    }

    /** As {@link #ofFiles(List)}, checked against {@code policy}. */
    public static FolderSource ofFiles(List<Path> files, Policy policy) {
        return ofFiles(files, policy, new SourceFiles(SourceFiles.DEFAULT_DIR, List.of()));
    }

    /**
     * As {@link #ofFiles(List, Policy)}, reading secrets with {@code sourceFiles}; each file's own folder is the tree
     * its config files must lie in.
     */
    public static FolderSource ofFiles(List<Path> files, Policy policy, SourceFiles sourceFiles) {
        return new FolderSource(FolderReader.ofFiles(files, policy, sourceFiles));
    }

    /** The folder read. */
    public Path folder() {
        return reader.folder();
    }

    @Override
    public SourceInfo info() {
        return SourceInfo.folder(folder().toAbsolutePath().toString());
    }

    /** Watches the folder (debounced) so that an edit is applied within about a second. */
    @Override
    public synchronized void start(Runnable onChange) {
        if (reader.chosen()) {
            throw new IllegalStateException("a source of chosen files is read once, never watched");
        }
        if (watcher == null) {
            watcher = new FolderWatcher(folder(), () -> {
                dirty = true; // before asking for the pass that must see it
                onChange.run();
            }, WATCH_DEBOUNCE);
            watcher.start();
            watched = true;
        }
        watchSecrets(onChange);
    }

    /** Watches the secrets folder (see {@link SecretsWatch}); a change makes the next read look again. */
    public void watchSecrets(Runnable onChange) {
        secrets.start(() -> {
            dirty = true;
            onChange.run();
        });
    }

    @Override
    public synchronized void close() {
        watched = false;
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        secrets.close();
    }

    @Override
    public void resyncRequested() {
        verify.set(true);
        dirty = true;
    }

    /**
     * The whole desired state. While the watcher runs and has seen nothing since the last complete read, that read is
     * returned as it was: walking and reading 500 files costs about 17 ms of CPU here, most of it system calls, and
     * passes woken by the engine (a container exited) need none of it. The watcher's notice, the resync timer
     * ({@link #resyncRequested}) and any incomplete read make the next read look again, so a missed notification
     * (a symlinked file changed outside the folder) costs at most one resync interval, as before.
     */
    @Override
    public DesiredState read() {
        DesiredState last = lastRead;
        if (last != null && !dirty && watched) {
            return last;
        }
        dirty = false; // before reading: a change from now on is seen by the next read
        // Taken and cleared at once: a resync asked for during this read makes the next read verify.
        boolean verifying = verify.getAndSet(false);
        // Without the watcher nothing says when to look, so every read compares every file's bytes.
        FolderReader.Stamps stamps = !watched ? FolderReader.Stamps.UNUSED
                : verifying ? FolderReader.Stamps.RECORDED : FolderReader.Stamps.TRUSTED;
        DesiredState now = readFolder(stamps);
        lastRead = now.complete() ? now : null;
        return now;
    }

    /**
     * A watcher (of the folder or the secrets) saw a change since the last read, or a resync asked for one. Takes no
     * lock: the loop asks while it holds its own, and must not wait there for {@link #start} or {@link #close}.
     */
    @Override
    public boolean unread() {
        return dirty && watched;
    }

    /**
     * Reads every manifest file now and assembles the desired state. When the folder itself cannot be read, returns
     * an incomplete state (nothing may be removed) and keeps the memory, so a later read carries on from the last
     * good state.
     */
    private DesiredState readFolder(FolderReader.Stamps stamps) {
        Assembler.Read read;
        try {
            read = reader.read(stamps);
        } catch (FolderReader.UnreadableFolder e) {
            return DesiredState.unknown(e.getMessage());
        }
        Assembler.Result result = Assembler.assemble(read, lastGood);
        lastGood = result.lastGood();
        return result.state();
    }

    /** How many files the last read opened; the others were known by their settled stamps. */
    int filesOpenedByLastRead() {
        return reader.filesOpenedByLastRead();
    }

    /** Shortens {@link FolderReader#STAMP_SETTLES}, so tests need not wait it out. */
    void stampsSettleAfter(java.time.Duration settle) {
        reader.stampsSettleAfter(settle);
    }
}
