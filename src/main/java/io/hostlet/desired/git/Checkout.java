package io.hostlet.desired.git;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The materialized trees of applied commits and the {@code current} symlink that names the one in force — the
 * layout of a Kubernetes ConfigMap volume ({@code ..data -> ..2024_01_01_xyz}):
 *
 * <pre>
 * dir/trees/&lt;sha&gt;/…      one commit's files, complete before anyone can see them
 * dir/current -&gt; trees/&lt;sha&gt;
 * </pre>
 *
 * A tree is written to a hidden temporary folder and renamed into place; {@code current} is replaced by
 * renaming a new symlink over it. Both renames are atomic, so a reader of {@code current/…} sees one whole
 * commit or the other, never a mixture or a half-written file. A tree is forced to disk (files, then folders)
 * before its rename, and the folders after each rename, so a power cut cannot leave a torn tree under a complete
 * name; a tree found on disk is still checked against its commit ({@link #complete}) before it is used again,
 * since older versions did not sync. Only files are written (no index, no git
 * working tree), so nothing but hostlet's renames ever changes what {@code current} shows.
 */
final class Checkout {

    static final String CURRENT = "current";
    private static final String TREES = "trees";
    private static final String TMP_PREFIX = ".tmp-";

    /**
     * Largest blob written with its content: the largest manifest file hostlet reads (and config files and secrets
     * have the same bound). A larger one is written as a sparse file of its size, with no data, so the folder reader
     * reports it as "larger than 1 MiB" at that file (the file is held, its last good version stays) instead of a
     * push of a highly compressed blob filling the disk: 1.4 MB of pushed zeros were 300 MB on disk.
     */
    static final long MAX_BLOB_BYTES = io.hostlet.manifest.ManifestParser.MAX_FILE_BYTES;
    /** Bound on the bytes one tree writes (blobs up to {@link #MAX_BLOB_BYTES} each): a commit over it is refused. */
    static final long MAX_TREE_BYTES = 64L << 20;
    /** Bound on the entries one tree writes (files and links): a commit over it is refused. */
    static final int MAX_TREE_ENTRIES = 10_000;

    private final Path dir;
    private final Path trees;

    /** What one materialization has written so far, against {@link #MAX_TREE_BYTES} and {@link #MAX_TREE_ENTRIES}. */
    private static final class Budget {
        long bytes;
        int entries;
    }

    Checkout(Path dir) throws IOException {
        this.dir = dir;
        this.trees = dir.resolve(TREES);
        Files.createDirectories(trees);
        Files.deleteIfExists(dir.resolve(CURRENT + ".tmp"));
        try (Stream<Path> leftovers = Files.list(trees)) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                if (p.getFileName().toString().startsWith(TMP_PREFIX)) {
                    deleteTree(p); // a materialization that a crash interrupted
                }
            }
        }
    }

    /** {@code dir/current}: the path readers use. */
    Path current() {
        return dir.resolve(CURRENT);
    }

    /** The commit {@code current} points to, if it points to a complete tree. */
    Optional<ObjectId> currentCommit() {
        try {
            Path target = Files.readSymbolicLink(current());
            String name = target.getFileName().toString();
            if (ObjectId.isId(name) && Files.isDirectory(trees.resolve(name))) {
                return Optional.of(ObjectId.fromString(name));
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes the files of {@code commit} (only under {@code subPath} when it is not empty) to {@code trees/<sha>},
     * unless that tree is already complete. Fails without leaving anything visible when the commit has no such
     * folder or a write fails.
     */
    void materialize(ObjectReader reader, RevCommit commit, String subPath) throws IOException, SyncException {
        Path target = trees.resolve(commit.name());
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            if (complete(reader, commit, subPath)) {
                return;
            }
            deleteTree(target); // left half-written by a crash before trees were synced to disk: write it again
        }
        if (!subPath.isEmpty()) {
            try (TreeWalk at = TreeWalk.forPath(reader, subPath, commit.getTree())) {
                if (at == null || !FileMode.TREE.equals(at.getFileMode(0))) {
                    throw new SyncException("commit " + commit.abbreviate(12).name() + " has no folder " + subPath
                            + "; keeping the applied commit", SyncException.Kind.REFUSED);
                }
            }
        }
        Path tmp = Files.createTempDirectory(trees, TMP_PREFIX + commit.name() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            try (TreeWalk walk = new TreeWalk(reader)) {
                walk.addTree(commit.getTree());
                walk.setRecursive(true);
                if (!subPath.isEmpty()) {
                    walk.setFilter(PathFilter.create(subPath));
                }
                Budget budget = new Budget();
                while (walk.next()) {
                    write(reader, walk, tmp, budget);
                    if (budget.bytes > MAX_TREE_BYTES || budget.entries > MAX_TREE_ENTRIES) {
                        throw new SyncException("refused: commit " + commit.abbreviate(12).name() + " has more than "
                                + (MAX_TREE_BYTES >> 20) + " MiB or " + MAX_TREE_ENTRIES + " files to write"
                                + (subPath.isEmpty() ? "" : " under " + subPath) + "; keeping the applied commit",
                                SyncException.Kind.REFUSED);
                    }
                }
            }
            fence(tmp);
            fsyncTree(tmp); // on disk before its name says it is complete: a power cut leaves no torn tree behind
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            fsync(trees);
        } catch (SyncException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        } catch (IOException e) {
            deleteTree(tmp);
            if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                    && f.getReason().contains("No space left")) {
                // Not a fetch failure: backing off and writing the tree again at once would not help, a poll might.
                throw new SyncException("the disk holding the git checkout " + dir + " is full (writing commit "
                        + commit.abbreviate(12).name() + "); keeping the applied commit, trying again at the next poll",
                        SyncException.Kind.REFUSED, e);
            }
            throw e;
        }
    }

    private static void write(ObjectReader reader, TreeWalk walk, Path root, Budget budget) throws IOException {
        Path out = root.resolve(walk.getPathString()).normalize();
        if (!out.startsWith(root) || out.equals(root)) {
            return; // fetched objects are checked by JGit; this is a second fence, not the first
        }
        FileMode mode = walk.getFileMode(0);
        Files.createDirectories(out.getParent());
        budget.entries++;
        if (FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode)) {
            long size = reader.getObjectSize(walk.getObjectId(0), Constants.OBJ_BLOB);
            if (size > MAX_BLOB_BYTES) {
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(out.toFile(), "rw")) {
                    f.setLength(size); // its size and no content: readers refuse it by size, at that file
                }
                return;
            }
            budget.bytes += size;
            try (OutputStream os = Files.newOutputStream(out)) {
                reader.open(walk.getObjectId(0), Constants.OBJ_BLOB).copyTo(os);
            }
        } else if (FileMode.SYMLINK.equals(mode)) {
            // A link may point within the materialized tree only: a repository must not make hostlet read host files.
            String link = new String(reader.open(walk.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(),
                    StandardCharsets.UTF_8);
            Path linkTarget = Path.of(link);
            if (!linkTarget.isAbsolute() && out.getParent().resolve(linkTarget).normalize().startsWith(root)) {
                Files.createSymbolicLink(out, linkTarget);
            }
        }
        // gitlinks (submodules) are not followed
    }

    /**
     * Deletes every symbolic link under {@code root} whose real target (all links followed, as a reader would) is
     * outside {@code root}, or that cannot be resolved (dangling, a loop). {@link #write}'s check is lexical and
     * sees one link at a time: {@code d/up -> ..} and {@code x -> d/up/../../etc} each stay inside on paper, but
     * together lead to {@code /etc}. So the real paths are checked once every link exists, and again after a
     * deletion (a link may have led through the one deleted) until nothing changes.
     */
    static void fence(Path root) throws IOException {
        Path realRoot = root.toRealPath();
        boolean deleted = true;
        while (deleted) {
            deleted = false;
            java.util.List<Path> links;
            try (Stream<Path> files = Files.walk(root)) { // does not follow links
                links = files.filter(Files::isSymbolicLink).toList();
            }
            for (Path link : links) {
                boolean inside;
                try {
                    inside = link.toRealPath().startsWith(realRoot);
                } catch (IOException e) {
                    inside = false;
                }
                if (!inside) {
                    Files.delete(link);
                    deleted = true;
                }
            }
        }
    }

    /**
     * Points {@code current} at the (complete) tree of {@code commit} in one rename. Readers of {@code current}
     * see the old tree or the new one.
     */
    void switchTo(ObjectId commit) throws IOException {
        Path target = trees.resolve(commit.name());
        if (!Files.isDirectory(target)) {
            throw new NoSuchFileException(target.toString(), null, "not materialized");
        }
        Path tmp = dir.resolve(CURRENT + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(TREES, commit.name()));
        try {
            Files.move(tmp, current(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        fsync(dir);
    }

    /**
     * Whether {@code trees/<commit>} holds every file of {@code commit} (under {@code subPath}) with the content the
     * commit gives it, each compared by its git blob id. Symbolic links must have their target as committed, or be
     * absent (refused or {@linkplain #fence fenced} when written). Any doubt (unreadable file, a missing object) is
     * "not complete": the tree is then written again rather than used.
     */
    boolean complete(ObjectReader reader, RevCommit commit, String subPath) {
        Path root = trees.resolve(commit.name());
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (TreeWalk walk = new TreeWalk(reader); ObjectInserter.Formatter ids = new ObjectInserter.Formatter()) {
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            if (!subPath.isEmpty()) {
                walk.setFilter(PathFilter.create(subPath));
            }
            while (walk.next()) {
                Path out = root.resolve(walk.getPathString()).normalize();
                if (!out.startsWith(root) || out.equals(root)) {
                    continue;
                }
                FileMode mode = walk.getFileMode(0);
                if ((FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode))
                        && reader.getObjectSize(walk.getObjectId(0), Constants.OBJ_BLOB) > MAX_BLOB_BYTES) {
                    if (!Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS) || Files.size(out)
                            != reader.getObjectSize(walk.getObjectId(0), Constants.OBJ_BLOB)) {
                        return false; // written by size only, never read
                    }
                } else if (FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode)) {
                    if (!Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)
                            || !ids.idFor(Constants.OBJ_BLOB, Files.readAllBytes(out)).equals(walk.getObjectId(0))) {
                        return false;
                    }
                } else if (FileMode.SYMLINK.equals(mode) && Files.isSymbolicLink(out)) {
                    String link = new String(reader.open(walk.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(),
                            StandardCharsets.UTF_8);
                    if (!Files.readSymbolicLink(out).toString().equals(Path.of(link).toString())) {
                        return false;
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Forces every file and folder under {@code root} (links are not followed) to disk. */
    static void fsyncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> files = Files.walk(root)) {
            all = files.toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        }
        for (int i = all.size() - 1; i >= 0; i--) { // folders after their entries
            if (Files.isDirectory(all.get(i), LinkOption.NOFOLLOW_LINKS)) {
                fsync(all.get(i));
            }
        }
    }

    /** Forces a folder's entries (names, renames, links) to disk. */
    static void fsync(Path folder) throws IOException {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Deletes every tree but those of {@code keep} (the commit in force and the one before it). */
    void prune(Set<ObjectId> keep) throws IOException {
        Set<String> names = keep.stream().map(ObjectId::name).collect(java.util.stream.Collectors.toSet());
        try (Stream<Path> all = Files.list(trees)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = p.getFileName().toString();
                if (!names.contains(name) && !name.startsWith(TMP_PREFIX)) {
                    deleteTree(p);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) { // does not follow links: a link is deleted, not its target
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
