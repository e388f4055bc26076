package io.hostlet.desired;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import io.hostlet.policy.Policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The desired state from a folder of manifest files ({@code *.yaml}, {@code *.yml}, in subfolders too).
 *
 * <p>Each {@link #read} returns a whole snapshot. Between reads it remembers each file's last good
 * manifests, so a file that turns invalid keeps its containers and images (and is reported in
 * {@link DesiredState#heldFiles}) instead of having them removed half-way through an edit. A file that
 * disappears is forgotten. A file that is empty (or holds only blank lines and comments) is held the same way,
 * with {@link #EMPTY_FILE} as its error: deleting a file is how its containers are removed, never emptying it.
 * Names claimed twice are held: neither claimant is in force. Containers and images are separate namespaces, each
 * checked for duplicates on its own.
 *
 * <p>Limits: at most {@link #MAX_FILES} files and {@link #MAX_TOTAL_BYTES} bytes together (each file at most
 * {@link ManifestParser#MAX_FILE_BYTES}); over either, nothing is read, the last good state stays in force and the
 * state is incomplete, so nothing is removed.
 *
 * <p>Symlinks are followed, so the Kubernetes ConfigMap layout works ({@code web.yaml -> ..data/web.yaml},
 * {@code ..data} swapped atomically); names starting with {@code .} and editor leftovers are skipped.
 *
 * <p>What manifests take from files (secrets, env files, config files) is read on every read through
 * {@link SourceFiles}; a source that cannot be used holds its manifest file like a syntax error. The secrets folder
 * has a watcher of its own (config files are in the watched tree).
 *
 * <p>Not thread-safe: {@link #read} must be called from one thread at a time (the reconcile loop).
 */
public final class FolderSource implements DesiredSource {

    /** The status entry of a file that holds no document; it is held like a file with errors. */
    public static final String EMPTY_FILE =
            "file is empty; its last good version stays in force; delete the file to remove its containers";

    /** Most manifest files a folder (with its subfolders) may hold; more makes the read incomplete. */
    public static final int MAX_FILES = 1000;

    /** Most bytes all manifest files may hold together; more makes the read incomplete. */
    public static final long MAX_TOTAL_BYTES = 16L << 20;

    private static final List<String> IGNORED_SUFFIXES = List.of("~", ".swp", ".tmp", ".bak", ".part");

    /**
     * Long enough to swallow an editor's burst of events for one save (they come within a few milliseconds), short
     * because every change waits it out: with 500 containers a changed manifest reached running in 1,022-1,108 ms
     * with 100 ms, of which 800-950 ms were the engine's create, stop and start, and 865 ms with 50 ms. A file read
     * mid-write that is empty or does not parse is held at its last good version (see {@link #EMPTY_FILE}); the
     * write's later events bring another notice.
     */
    private static final java.time.Duration WATCH_DEBOUNCE = java.time.Duration.ofMillis(50);

    /**
     * How long after a file's {@link Stamp} was first seen its bytes are compared once more before the stamp alone is
     * trusted. Two writes within one tick of the file system's clock can leave equal stamps (git calls such a file
     * "racily clean"); a tick is at most a few milliseconds on local file systems, 2 s on the coarsest (FAT).
     */
    static final java.time.Duration STAMP_SETTLES = java.time.Duration.ofSeconds(2);

    private final Path folder;
    /** The files to read instead of walking {@link #folder}, by the name errors give them; null: walk the folder. */
    private final Map<String, Path> chosenFiles;
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
     * Whether the next read compares every file's bytes, trusting no {@link Stamp}: set at start and by the resync
     * timer, so whatever a stamp could miss is seen within one resync interval, like a missed notification.
     */
    private final java.util.concurrent.atomic.AtomicBoolean verify = new java.util.concurrent.atomic.AtomicBoolean(true);
    /** {@link #STAMP_SETTLES} in nanoseconds; tests shorten it. */
    private long stampSettlesNanos = STAMP_SETTLES.toNanos();
    /** How many files the last read opened (the others were known by their stamps); for tests. */
    private int opened;
    /** The last complete read, returned as is while nothing changed (see {@link #read}). */
    private DesiredState lastRead;
    /** Last good manifests (containers and images) by relative path, as of the last complete read. */
    private Map<String, ParseResult> lastGood = Map.of();
    /**
     * Each file's bytes and what they parsed to, as of the last read. Parsing YAML is most of a no-op pass's cost and
     * files rarely change, so a file whose bytes are unchanged is not checked, decoded or parsed again. Keyed by
     * content: comparing bytes rather than decoded text keeps the cost of an unchanged file to one read and one array
     * compare (decoding allocated 16 KB per file per pass). While the watcher runs, a file whose {@link Stamp} has
     * settled is not even opened (see {@link Parsed#knownBy}): with 500 files, opening and reading each one was
     * 17-72 ms on the path of every change.
     */
    private Map<String, Parsed> parsed = Map.of();

    /**
     * What a file's metadata says about its identity and last write: device and inode (a file renamed over it is
     * another), size, mtime, and ctime, which no tool can set back (a copy or an unpack that keeps the mtime still
     * moves it). Null where the file system has no inodes or no ctime: such files are always read.
     */
    private record Stamp(Object fileKey, long size, FileTime modified, Object changed) {}

    /** What a read does with stamps. */
    private enum Stamps {
        /** Not taken: nothing watches the folder. */
        UNUSED,
        /** Taken and let settle, but every file is opened: the first read, and the resync's. */
        RECORDED,
        /** A file known by its settled stamp is not opened: reads the watcher asked for. */
        TRUSTED
    }

    /**
     * A file's bytes, what they parsed to, and whether they are blank (white space and byte order marks only); the
     * stamp the file had when these bytes were read, when that stamp was first seen ({@link System#nanoTime}), and
     * whether it has settled: the bytes were compared again at least {@link #STAMP_SETTLES} after it was first seen.
     */
    private record Parsed(byte[] bytes, ParseResult result, boolean blank, Stamp stamp, long stampSeen, boolean settled) {

        /** Whether the file is known by its stamp alone: unchanged since a byte compare made after it had settled. */
        boolean knownBy(Stamp now) {
            return settled && now != null && now.equals(stamp);
        }

        /**
         * These bytes, read again under {@code now}: a new stamp starts its wait, an unchanged one settles once it has
         * waited {@code settleNanos}. Any write in the stamp's clock tick came before this read, which saw its bytes.
         */
        Parsed readAgain(Stamp now, long at, long settleNanos) {
            if (!java.util.Objects.equals(now, stamp)) {
                return new Parsed(bytes, result, blank, now, at, false);
            }
            boolean settles = !settled && now != null && at - stampSeen >= settleNanos;
            return settles ? new Parsed(bytes, result, blank, stamp, stampSeen, true) : this;
        }
    }

    /** What manifests may ask of the host; a refused file is held like an invalid one. */
    private final Policy policy;
    /** Reads what manifests take from files; a file whose sources cannot be read is held like an invalid one. */
    private final SourceFiles sourceFiles;
    /** Watches the secrets folder, whose changes must recreate containers like a manifest edit; null when not. */
    private FolderWatcher secretsWatcher;

    /** The folder, under the default policy ({@link Policy#baseline()}). */
    public FolderSource(Path folder) {
        this(folder, Policy.baseline());
    }

    /** The folder, with secrets looked up in {@link SourceFiles#DEFAULT_DIR}. */
    public FolderSource(Path folder, Policy policy) {
        this(folder, policy, new SourceFiles(SourceFiles.DEFAULT_DIR, List.of()));
    }

    public FolderSource(Path folder, Policy policy, SourceFiles sourceFiles) {
        this.folder = folder;
        this.chosenFiles = null;
        this.policy = policy;
        this.sourceFiles = sourceFiles;
    }

    private FolderSource(Map<String, Path> chosenFiles, Policy policy, SourceFiles sourceFiles) {
        this.folder = Path.of(".");
        this.chosenFiles = chosenFiles;
        this.policy = policy;
        this.sourceFiles = sourceFiles;
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
        Map<String, Path> chosen = new TreeMap<>();
        for (Path f : files) {
            Path name = f.getFileName();
            if (name != null && isManifestName(name.toString())) {
                chosen.put(f.toString().replace(java.io.File.separatorChar, '/'), f);
            }
        }
        return new FolderSource(chosen, policy, sourceFiles);
    }

    /** The folder read. */
    public Path folder() {
        return folder;
    }

    @Override
    public SourceInfo info() {
        return SourceInfo.folder(folder.toAbsolutePath().toString());
    }

    /** Watches the folder (debounced) so that an edit is applied within about a second. */
    @Override
    public synchronized void start(Runnable onChange) {
        if (chosenFiles != null) {
            throw new IllegalStateException("a source of chosen files is read once, never watched");
        }
        if (watcher == null) {
            watcher = new FolderWatcher(folder, () -> {
                dirty = true; // before asking for the pass that must see it
                onChange.run();
            }, WATCH_DEBOUNCE);
            watcher.start();
            watched = true;
        }
        watchSecrets(onChange);
    }

    /**
     * Watches the secrets folder: a changed secret, env file or env value must make the next read look again (and
     * recreate the containers using it) like a manifest edit. The notice carries nothing: the next read re-reads every
     * source. A folder that does not exist yet is not watched; the resync timer covers it.
     */
    public synchronized void watchSecrets(Runnable onChange) {
        Path dir = sourceFiles.secretsDir();
        if (secretsWatcher == null && Files.isDirectory(dir)) {
            secretsWatcher = new FolderWatcher(dir, () -> {
                dirty = true;
                onChange.run();
            }, WATCH_DEBOUNCE);
            secretsWatcher.start();
        }
    }

    @Override
    public synchronized void close() {
        watched = false;
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        if (secretsWatcher != null) {
            secretsWatcher.close();
            secretsWatcher = null;
        }
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
        Stamps stamps = !watched ? Stamps.UNUSED : verifying ? Stamps.RECORDED : Stamps.TRUSTED;
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
     * Reads every manifest file now. When the folder itself cannot be read, returns an incomplete state
     * (nothing may be removed) and keeps the memory, so a later read carries on from the last good state.
     */
    private DesiredState readFolder(Stamps stamps) {
        Listing listing;
        try {
            listing = list();
        } catch (UnreadableFolder e) {
            return DesiredState.unknown(e.getMessage());
        }
        List<ManifestError> errors = new ArrayList<>(listing.errors);
        Set<String> heldFiles = new HashSet<>();
        Map<String, ParseResult> good = new TreeMap<>();
        Map<String, Parsed> nowParsed = new HashMap<>();
        opened = 0;
        // Over a folder-wide limit nothing is read: the last good state stays in force whole, and the state is
        // incomplete so nothing is removed. Reading "the first N" would make what is in force depend on listing order.
        String overLimit = listing.overLimit != null ? listing.overLimit : totalBytesOverLimit(listing.totalBytes);
        if (overLimit != null) {
            errors.add(new ManifestError(".", 0, 0, overLimit));
        }
        Map<String, Path> toRead = overLimit == null ? listing.files : Map.of();
        for (Map.Entry<String, Path> file : toRead.entrySet()) {
            String rel = file.getKey();
            ParseResult result = resolve(file.getValue(),
                    parse(rel, file.getValue(), listing.attributes.get(rel), stamps, nowParsed), nowParsed.get(rel));
            if (result.ok() && result.manifests().isEmpty() && result.images().isEmpty() || blank(nowParsed.get(rel))) {
                // Empty, blank or only comments: what a truncating writer (>), an editor mid-save or a torn write
                // leaves for a moment. Never read as "remove everything this file made"; deleting it is how to remove.
                errors.add(new ManifestError(rel, 1, 1, EMPTY_FILE)); // line 1: where the content should be
                hold(rel, heldFiles, good);
            } else if (result.ok()) {
                good.put(rel, result);
            } else {
                errors.addAll(result.errors());
                hold(rel, heldFiles, good);
            }
        }
        // Files under a folder that could not be listed are unknown, not gone: keep what we had.
        for (String rel : lastGood.keySet()) {
            if (overLimit != null
                    || !listing.files.containsKey(rel) && listing.unlisted.stream().anyMatch(dir -> rel.startsWith(dir + "/"))) {
                hold(rel, heldFiles, good);
            }
        }
        Map<String, ContainerManifest> containers = new HashMap<>();
        Set<String> heldNames = new HashSet<>();
        List<ManifestError> nameErrors = new ArrayList<>();
        // dependsOn is checked across files: a file whose dependencies do not resolve is invalid like one with a
        // syntax error, so its last good version stays in force and nothing it made is removed. That version may
        // not resolve either (it fitted the old folder), nor may files depending on a rejected one: repeat until
        // everything in force resolves. Ends: a file is replaced by its last good version once, then dropped.
        Set<ManifestError> depErrors = new LinkedHashSet<>();
        Map<String, String> rejectedNames = new HashMap<>();
        Set<String> replaced = new HashSet<>();
        while (true) {
            containers.clear();
            heldNames.clear();
            nameErrors.clear();
            inForce(good, containers, heldNames, nameErrors);
            DependencyCheck.Result deps = DependencyCheck.check(containers, heldNames, rejectedNames);
            if (deps.files().isEmpty()) {
                break;
            }
            depErrors.addAll(deps.errors());
            for (String rel : deps.files()) {
                heldFiles.add(rel);
                ParseResult rejected = good.remove(rel);
                if (rejected != null) {
                    rejected.manifests().forEach(m -> rejectedNames.putIfAbsent(m.name(), rel));
                }
                if (replaced.add(rel)) {
                    hold(rel, heldFiles, good);
                }
            }
        }
        errors.addAll(nameErrors);
        errors.addAll(depErrors);
        Map<String, ImageManifest> images = new HashMap<>();
        Set<String> heldImages = new HashSet<>();
        imagesInForce(good, images, heldImages, errors);
        lastGood = good;
        parsed = nowParsed;
        return new DesiredState(containers, heldFiles, heldNames, errors, overLimit == null, overLimit, images, heldImages);
    }

    /** The manifests in force by name; names claimed more than once are held, with an error on each claim. */
    private static void inForce(Map<String, ParseResult> good, Map<String, ContainerManifest> containers,
                                Set<String> heldNames, List<ManifestError> errors) {
        Map<String, List<ContainerManifest>> byName = new LinkedHashMap<>();
        good.values().forEach(r -> r.manifests().forEach(m -> byName.computeIfAbsent(m.name(), n -> new ArrayList<>()).add(m)));
        for (Map.Entry<String, List<ContainerManifest>> e : byName.entrySet()) {
            List<ContainerManifest> claims = e.getValue();
            if (claims.size() == 1) {
                containers.put(e.getKey(), claims.get(0));
                continue;
            }
            heldNames.add(e.getKey());
            for (ContainerManifest m : claims) {
                String others = others(claims, m, ContainerManifest::source);
                errors.add(new ManifestError(m.source().file(), m.source().line(), 1, "container name \""
                        + e.getKey() + "\" is also defined at " + others + "; none of them is applied until only one is left"));
            }
        }
    }

    /** Like {@link #inForce} for Image manifests, whose names are a namespace of their own. */
    private static void imagesInForce(Map<String, ParseResult> good, Map<String, ImageManifest> images,
                                      Set<String> heldImages, List<ManifestError> errors) {
        Map<String, List<ImageManifest>> byName = new LinkedHashMap<>();
        good.values().forEach(r -> r.images().forEach(m -> byName.computeIfAbsent(m.name(), n -> new ArrayList<>()).add(m)));
        for (Map.Entry<String, List<ImageManifest>> e : byName.entrySet()) {
            List<ImageManifest> claims = e.getValue();
            if (claims.size() == 1) {
                images.put(e.getKey(), claims.get(0));
                continue;
            }
            heldImages.add(e.getKey());
            for (ImageManifest m : claims) {
                String others = others(claims, m, ImageManifest::source);
                errors.add(new ManifestError(m.source().file(), m.source().line(), 1, "image name \""
                        + e.getKey() + "\" is also defined at " + others + "; none of them is applied until only one is left"));
            }
        }
    }

    /**
     * The other claims of a name, at most five and then how many more: with N files claiming one name, listing them
     * all would make N errors of N places each.
     */
    private static <M> String others(List<M> claims, M self, java.util.function.Function<M, io.hostlet.manifest.SourceRef> source) {
        List<String> places = claims.stream().filter(o -> o != self).map(o -> source.apply(o).toString()).toList();
        return places.size() <= 5 ? String.join(", ", places)
                : String.join(", ", places.subList(0, 5)) + " and " + (places.size() - 5) + " more";
    }

    private void hold(String rel, Set<String> heldFiles, Map<String, ParseResult> good) {
        heldFiles.add(rel);
        ParseResult previous = lastGood.get(rel);
        if (previous != null) {
            good.put(rel, previous);
        }
    }

    /**
     * {@code result} with the files its manifests take content from read afresh: the parse is reused while the
     * manifest's bytes are unchanged, but a secret or config file may have changed, so they are read on every read
     * (only manifests that use them pay for it).
     */
    private ParseResult resolve(Path file, ParseResult result, Parsed parsed) {
        if (parsed == null || !SourceFiles.needed(result)) {
            return result;
        }
        Path tree = chosenFiles == null ? folder : file.toAbsolutePath().getParent();
        return sourceFiles.resolve(result, new String(parsed.bytes(), StandardCharsets.UTF_8), file, tree);
    }

    /**
     * Reads and parses one file, reusing the last parse when its bytes are unchanged; records it in {@code into}.
     * {@code walked} are the attributes the folder walk saw (null for chosen files): with them a re-read costs open,
     * read and close instead of two more stats per file, and when {@code stamps} are trusted a file known by its
     * settled stamp costs one stat (for the ctime) and is not opened.
     */
    private ParseResult parse(String rel, Path file, BasicFileAttributes walked, Stamps stamps,
                              Map<String, Parsed> into) {
        Parsed before = parsed.get(rel);
        byte[] bytes;
        Stamp stamp = null;
        long readAt;
        try {
            boolean regular = walked != null ? walked.isRegularFile() : Files.isRegularFile(file);
            if (!regular) {
                // Reading a FIFO or device would block or never end.
                boolean link = walked != null ? walked.isSymbolicLink() : Files.isSymbolicLink(file);
                return unreadable(rel, link ? "cannot read file: broken symlink" : "not a regular file");
            }
            if ((walked != null ? walked.size() : Files.size(file)) > ManifestParser.MAX_FILE_BYTES) {
                return tooLarge(rel);
            }
            if (walked != null && stamps != Stamps.UNUSED) {
                stamp = stampOf(file, walked); // before the bytes: a write after it moves the next stamp
                if (stamps == Stamps.TRUSTED && before != null && before.knownBy(stamp)) {
                    into.put(rel, before);
                    return before.result();
                }
            }
            readAt = System.nanoTime();
            opened++;
            // Bounded: a file that grew after the walk saw its size is still refused, not read whole.
            bytes = readAtMost(file, ManifestParser.MAX_FILE_BYTES + 1);
            if (bytes.length > ManifestParser.MAX_FILE_BYTES) {
                return tooLarge(rel);
            }
        } catch (NoSuchFileException e) {
            return unreadable(rel, "cannot read file: it vanished while being read");
        } catch (IOException e) {
            return unreadable(rel, "cannot read file: " + e);
        }
        if (before != null && Arrays.equals(before.bytes(), bytes)) {
            Parsed again = before.readAgain(stamp, readAt, stampSettlesNanos);
            into.put(rel, again);
            return again.result();
        }
        ManifestError notText = Utf8.firstError(rel, bytes);
        if (notText != null) {
            return new ParseResult(List.of(), List.of(notText));
        }
        String content = new String(bytes, StandardCharsets.UTF_8);
        Parsed now = new Parsed(bytes, policy.apply(ManifestParser.parse(rel, content), content), isBlank(content),
                stamp, readAt, false);
        into.put(rel, now);
        return now.result();
    }

    /**
     * Whether a file read holds only white space (tabs included, which YAML would refuse as indentation) and byte
     * order marks: empty for every purpose.
     */
    private static boolean isBlank(String content) {
        return content.chars().allMatch(c -> Character.isWhitespace(c) || c == '\uFEFF');
    }

    private static boolean blank(Parsed p) {
        return p != null && p.blank();
    }

    /** Why the listed files are too much to read together; null when they are not. */
    private static String totalBytesOverLimit(long total) {
        return total <= MAX_TOTAL_BYTES ? null : "manifest files hold " + total + " bytes together, more than the limit of "
                + MAX_TOTAL_BYTES + " (16 MiB): nothing was read, the last good state stays in force and nothing is removed";
    }

    /** The whole file is the problem: point at its start, as an editor would open it. */
    private static ParseResult tooLarge(String rel) {
        return new ParseResult(List.of(), List.of(new ManifestError(rel, 1, 1, "file is larger than 1 MiB")));
    }

    /** The stamp of a regular file the walk saw; null when the file system cannot give one (the file is read). */
    private static Stamp stampOf(Path file, BasicFileAttributes walked) throws IOException {
        Object key = walked.fileKey();
        if (key == null) {
            return null;
        }
        Object changed;
        try {
            changed = Files.getAttribute(file, "unix:ctime"); // follows a symlink, as the walk did
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
        return new Stamp(key, walked.size(), walked.lastModifiedTime(), changed);
    }

    /** How many files the last read opened; the others were known by their settled stamps. */
    int filesOpenedByLastRead() {
        return opened;
    }

    /** Shortens {@link #STAMP_SETTLES}, so tests need not wait it out. */
    void stampsSettleAfter(java.time.Duration settle) {
        stampSettlesNanos = settle.toNanos();
    }

    private static byte[] readAtMost(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(limit);
        }
    }

    private static ParseResult unreadable(String rel, String why) {
        return new ParseResult(List.of(), List.of(new ManifestError(rel, 0, 0, why)));
    }

    /** The manifest files now in the folder, or an exception when the folder itself cannot be read. */
    private Listing list() throws UnreadableFolder {
        if (chosenFiles != null) {
            Listing listing = new Listing();
            for (Map.Entry<String, Path> f : chosenFiles.entrySet()) {
                if (listing.files.size() >= MAX_FILES) {
                    listing.overLimit = "more than " + MAX_FILES + " manifest files: nothing was read";
                    break;
                }
                listing.files.put(f.getKey(), f.getValue());
            }
            return listing;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(folder, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new UnreadableFolder("manifests folder " + folder + " does not exist");
        } catch (IOException e) {
            throw new UnreadableFolder("cannot read manifests folder " + folder + ": " + e);
        }
        if (!attrs.isDirectory()) {
            throw new UnreadableFolder("manifests folder " + folder + " is not a directory");
        }
        Listing listing = new Listing();
        try {
            Files.walkFileTree(folder, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new Walker(listing));
        } catch (IOException e) {
            throw new UnreadableFolder("cannot list manifests folder " + folder + ": " + e);
        }
        return listing;
    }

    private String relative(Path p) {
        String rel = folder.relativize(p).toString();
        // Relative paths are shown and keyed with '/' on every platform.
        return java.io.File.separatorChar == '/' ? rel : rel.replace(java.io.File.separatorChar, '/');
    }

    /**
     * Whether a folder inside the manifests folder is skipped with all it holds: a hidden one (a dot name, such as
     * {@code .git}). The reader and the {@link FolderWatcher} skip the same folders.
     */
    static boolean hiddenFolder(Path name) {
        return name.toString().startsWith(".");
    }

    private static boolean isManifestName(String name) {
        return !name.startsWith(".") && IGNORED_SUFFIXES.stream().noneMatch(name::endsWith)
                && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** Files found (relative path to path, sorted), folders that could not be listed, and why. */
    private static final class Listing {
        final Map<String, Path> files = new TreeMap<>();
        /** What the walk saw of each listed file (its target's, for a symlink that resolves). */
        final Map<String, BasicFileAttributes> attributes = new HashMap<>();
        final Set<String> unlisted = new HashSet<>();
        final List<ManifestError> errors = new ArrayList<>();
        /** Why the walk stopped early; null when it listed everything. */
        String overLimit;
        /** The listed regular files' sizes together, as the walk saw them (no second stat per file). */
        long totalBytes;
    }

    private final class Walker extends SimpleFileVisitor<Path> {
        private final Listing listing;

        Walker(Listing listing) {
            this.listing = listing;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            boolean hidden = !dir.equals(folder) && hiddenFolder(dir.getFileName());
            return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            // A broken symlink arrives here too, with the link's own attributes; reading it reports why.
            if (isManifestName(file.getFileName().toString()) && !attrs.isDirectory()) {
                if (listing.files.size() >= MAX_FILES) {
                    listing.overLimit = "more than " + MAX_FILES + " manifest files: nothing was read, the last good"
                            + " state stays in force and nothing is removed";
                    return FileVisitResult.TERMINATE; // memory stays bounded however many there are
                }
                String rel = relative(file);
                listing.files.put(rel, file);
                listing.attributes.put(rel, attrs);
                listing.totalBytes += attrs.isRegularFile() ? attrs.size() : 0;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (file.equals(folder)) {
                throw e;
            }
            String name = file.getFileName().toString();
            if (name.startsWith(".")) {
                return FileVisitResult.CONTINUE;
            }
            String rel = relative(file);
            if (e instanceof FileSystemLoopException) {
                listing.errors.add(new ManifestError(rel, 0, 0, "symlink loop: it leads back to a folder that contains it; skipped"));
            } else if (isManifestName(name)) {
                listing.files.put(rel, file);
            } else {
                listing.unlisted.add(rel);
                listing.errors.add(new ManifestError(rel, 0, 0, "cannot list folder: " + e));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
                if (dir.equals(folder)) {
                    throw e;
                }
                String rel = relative(dir);
                listing.unlisted.add(rel);
                listing.errors.add(new ManifestError(rel, 0, 0, "cannot list folder completely: " + e));
            }
            return FileVisitResult.CONTINUE;
        }
    }

    private static final class UnreadableFolder extends Exception {
        UnreadableFolder(String message) {
            super(message);
        }
    }
}
