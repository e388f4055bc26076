package io.hostlet.desired;

import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import io.hostlet.policy.Policy;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the manifest files of a folder ({@code *.yaml}, {@code *.yml}, in subfolders too) or of chosen files, and
 * parses them: one {@link Assembler.Read} per {@link #read}, which the {@link Assembler} makes a desired state of.
 * It decides nothing about what is in force; it only reads, within limits, and remembers what it parsed.
 *
 * <p>Limits: at most {@link #MAX_FILES} files and {@link #MAX_TOTAL_BYTES} bytes together (each file at most
 * {@link ManifestParser#MAX_FILE_BYTES}); over either, nothing is read and the read says why.
 *
 * <p>Symlinks are followed, so the Kubernetes ConfigMap layout works ({@code web.yaml -> ..data/web.yaml},
 * {@code ..data} swapped atomically); names starting with {@code .} and editor leftovers are skipped. What
 * manifests take from files (secrets, env files, config files) is read on every read through {@link SourceFiles}.
 *
 * <p>Not thread-safe: one read at a time.
 */
public final class FolderReader {

    /** Most manifest files a folder (with its subfolders) may hold; more makes the read incomplete. */
    public static final int MAX_FILES = 1000;

    /** Most bytes all manifest files may hold together; more makes the read incomplete. */
    public static final long MAX_TOTAL_BYTES = 16L << 20;

    private static final List<String> IGNORED_SUFFIXES = List.of("~", ".swp", ".tmp", ".bak", ".part");

    /**
     * How long after a file's {@link Stamp} was first seen its bytes are compared once more before the stamp alone is
     * trusted. Two writes within one tick of the file system's clock can leave equal stamps (git calls such a file
     * "racily clean"); a tick is at most a few milliseconds on local file systems, 2 s on the coarsest (FAT).
     */
    static final java.time.Duration STAMP_SETTLES = java.time.Duration.ofSeconds(2);

    private final Path folder;
    /** The files to read instead of walking {@link #folder}, by the name errors give them; null: walk the folder. */
    private final Map<String, Path> chosenFiles;
    /** {@link #STAMP_SETTLES} in nanoseconds; tests shorten it. */
    private long stampSettlesNanos = STAMP_SETTLES.toNanos();
    /** How many files the last read opened (the others were known by their stamps); for tests. */
    private int opened;
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
    public enum Stamps {
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

    /** Reads {@code folder} under {@code policy}. */
    public FolderReader(Path folder, Policy policy, SourceFiles sourceFiles) {
        this(folder, null, policy, sourceFiles);
    }

    private FolderReader(Path folder, Map<String, Path> chosenFiles, Policy policy, SourceFiles sourceFiles) {
        this.folder = folder;
        this.chosenFiles = chosenFiles;
        this.policy = policy;
        this.sourceFiles = sourceFiles;
    }

    /**
     * A reader of exactly these files, together, as if they were one folder: same name rules (a dotfile, an editor
     * leftover or a name not ending in {@code .yaml}/{@code .yml} is skipped), same limits. Files are named as given
     * here, with {@code /} separators; each file's own folder is the tree its config files must lie in.
     */
    public static FolderReader ofFiles(List<Path> files, Policy policy, SourceFiles sourceFiles) {
        Map<String, Path> chosen = new TreeMap<>();
        for (Path f : files) {
            Path name = f.getFileName();
            if (name != null && isManifestName(name.toString())) {
                chosen.put(f.toString().replace(java.io.File.separatorChar, '/'), f);
            }
        }
        return new FolderReader(Path.of("."), chosen, policy, sourceFiles);
    }

    /** The folder read. */
    public Path folder() {
        return folder;
    }

    /** The secrets and config files manifests take content from. */
    public SourceFiles sourceFiles() {
        return sourceFiles;
    }

    /** Whether this reads chosen files rather than a folder (see {@link #ofFiles}). */
    public boolean chosen() {
        return chosenFiles != null;
    }

    /**
     * Reads and parses every manifest file now, with {@code stamps} deciding which files are opened. Throws
     * {@link UnreadableFolder} when the folder itself cannot be read; what was parsed before is then kept, so a later
     * read carries on from it.
     */
    public Assembler.Read read(Stamps stamps) throws UnreadableFolder {
        Listing listing = list();
        Map<String, Parsed> nowParsed = new HashMap<>();
        Map<String, Assembler.FileRead> files = new LinkedHashMap<>();
        opened = 0;
        String overLimit = listing.overLimit != null ? listing.overLimit : totalBytesOverLimit(listing.totalBytes);
        if (overLimit == null) {
            for (Map.Entry<String, Path> file : listing.files.entrySet()) {
                String rel = file.getKey();
                ParseResult result = resolve(file.getValue(),
                        parse(rel, file.getValue(), listing.attributes.get(rel), stamps, nowParsed), nowParsed.get(rel));
                Parsed p = nowParsed.get(rel);
                files.put(rel, new Assembler.FileRead(result, p != null && p.blank()));
            }
        }
        parsed = nowParsed;
        return new Assembler.Read(files, listing.errors, listing.unlisted, overLimit);
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
    public int filesOpenedByLastRead() {
        return opened;
    }

    /** Shortens {@link #STAMP_SETTLES}, so tests need not wait it out. */
    public void stampsSettleAfter(java.time.Duration settle) {
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
    public static boolean hiddenFolder(Path name) {
        return name.toString().startsWith(".");
    }

    static boolean isManifestName(String name) {
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

    /** The folder itself could not be read (missing, not a directory, not listable). */
    public static final class UnreadableFolder extends Exception {
        UnreadableFolder(String message) {
            super(message);
        }
    }
}

