package io.hostlet.desired;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Reads one regular file that must lie under a root folder, so that what is checked is what is read: each folder on
 * the way is opened relative to the one before it ({@code openat} through {@link SecureDirectoryStream}) without
 * following a link, each symlink met is followed by hand (its target walked the same way, from the root or from the
 * folder holding it), and the file is opened without following a link ({@code O_NOFOLLOW}), its size taken from that
 * descriptor and at most {@code max + 1} bytes read from it. So swapping a folder or the file for a symlink after it
 * was checked makes the open fail instead of reading what the link points to, and a huge (or sparse) file is refused
 * without being read.
 *
 * <p>Why not a check per component by path: each open by path walks the whole path again in the kernel, so a parent
 * swapped for a link after its check is followed; a directory descriptor pins what was checked (the kubelet's subPath
 * fix walks the same way). Where the platform gives no {@link SecureDirectoryStream}, the file is checked by its real
 * path and opened without following a link, which leaves the parents' window open.
 */
final class ConfinedFile {

    /** Like the kernel's {@code MAXSYMLINKS}. */
    private static final int MAX_LINKS = 40;

    /** Why a file could not be used; the message follows the file's path ({@code "<path> is not a regular file"}). */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private ConfinedFile() {
    }

    /**
     * The bytes of {@code root/relative}, which must stay under {@code root} through any symlink.
     *
     * @param root     the folder, through symlinks (configuration, so trusted)
     * @param relative the file's path from {@code root}, as written ({@code ..} and links are resolved here)
     * @param max      the most bytes the file may hold
     * @throws Refused     when the file does not exist, leaves {@code root}, is no regular file, is larger than {@code max}
     *                     or changed into a link while it was read
     * @throws IOException when reading fails otherwise (permission denied, I/O error)
     */
    static byte[] read(Path root, Path relative, int max) throws Refused, IOException {
        DirectoryStream<Path> top = Files.newDirectoryStream(root);
        if (!(top instanceof SecureDirectoryStream<Path> secure)) {
            top.close();
            return byRealPath(root, root.resolve(relative), max);
        }
        Deque<SecureDirectoryStream<Path>> dirs = new ArrayDeque<>();
        dirs.push(secure);
        try {
            return walk(root, dirs, names(relative), max);
        } finally {
            for (SecureDirectoryStream<Path> d : dirs) {
                d.close();
            }
        }
    }

    private static byte[] walk(Path root, Deque<SecureDirectoryStream<Path>> dirs, Deque<String> pending, int max)
            throws Refused, IOException {
        Deque<String> where = new ArrayDeque<>(); // names from root to the folder on top of dirs, to read links by path
        int links = 0;
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (dirs.size() == 1) {
                    throw new Refused("leaves the folder");
                }
                dirs.pop().close();
                where.removeLast();
                continue;
            }
            SecureDirectoryStream<Path> dir = dirs.peek();
            Path entry = root.getFileSystem().getPath(name);
            BasicFileAttributes a;
            try {
                a = dir.getFileAttributeView(entry, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (NoSuchFileException e) {
                throw new Refused(links > 0 ? "is a broken symlink" : "does not exist");
            }
            if (a.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new Refused("has too many levels of symlinks");
                }
                Path here = root;
                for (String w : where) {
                    here = here.resolve(w);
                }
                // Read by path, so this may race; harmless: whatever target is read is walked under the root below.
                Path target = Files.readSymbolicLink(here.resolve(name));
                List<String> next = new ArrayList<>();
                if (target.isAbsolute()) {
                    Path rel = underRoot(root, target);
                    if (rel == null) {
                        throw new Refused("leaves the folder");
                    }
                    while (dirs.size() > 1) {
                        dirs.pop().close();
                    }
                    where.clear();
                    rel.forEach(p -> next.add(p.toString()));
                } else {
                    target.forEach(p -> next.add(p.toString()));
                }
                for (int i = next.size() - 1; i >= 0; i--) {
                    pending.push(next.get(i));
                }
                continue;
            }
            if (!pending.isEmpty()) {
                if (!a.isDirectory()) {
                    throw new Refused("does not exist");
                }
                try {
                    dirs.push(dir.newDirectoryStream(entry, LinkOption.NOFOLLOW_LINKS));
                } catch (NotDirectoryException | NoSuchFileException e) {
                    throw new Refused("changed while it was read");
                } catch (FileSystemException e) {
                    throw swapped(e);
                }
                where.addLast(name);
                continue;
            }
            if (!a.isRegularFile()) {
                throw new Refused("is not a regular file");
            }
            try (SeekableByteChannel ch = dir.newByteChannel(entry,
                    Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                return bounded(ch, max);
            } catch (NoSuchFileException e) {
                throw new Refused("changed while it was read");
            } catch (FileSystemException e) {
                throw swapped(e);
            }
        }
        throw new Refused("is not a regular file"); // the path ends at a folder
    }

    /** {@code e} as a refusal when it is the ELOOP an {@code O_NOFOLLOW} open of a link gives; else {@code e}. */
    private static IOException swapped(FileSystemException e) throws Refused {
        if (e.getReason() != null && e.getReason().contains("symbolic links")) {
            throw new Refused("changed into a symlink while it was read");
        }
        return e;
    }

    /** {@code target}'s path below {@code root}, or null when it lies elsewhere (through symlinks too). */
    private static Path underRoot(Path root, Path target) {
        if (target.startsWith(root)) {
            return root.relativize(target);
        }
        try {
            Path real = target.toRealPath(); // only to find where it lands; the result is walked again
            return real.startsWith(root) ? root.relativize(real) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Deque<String> names(Path relative) {
        Deque<String> out = new ArrayDeque<>();
        relative.forEach(p -> out.add(p.toString()));
        return out;
    }

    /** At most {@code max} bytes from {@code ch}: the size is the open descriptor's, and no more than that is read. */
    private static byte[] bounded(SeekableByteChannel ch, int max) throws Refused, IOException {
        if (ch.size() > max) {
            throw new Refused("is larger than " + (max >> 20) + " MiB");
        }
        InputStream in = Channels.newInputStream(ch);
        byte[] bytes = in.readNBytes(max + 1); // grows as it reads: a file growing meanwhile costs max + 1 at most
        if (bytes.length > max) {
            throw new Refused("is larger than " + (max >> 20) + " MiB");
        }
        return bytes;
    }

    private static byte[] byRealPath(Path root, Path file, int max) throws Refused, IOException {
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new Refused(Files.isSymbolicLink(file) ? "is a broken symlink" : "does not exist");
        }
        if (!real.startsWith(root)) {
            throw new Refused("leaves the folder");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused("is not a regular file");
        }
        try (SeekableByteChannel ch = Files.newByteChannel(real, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            return bounded(ch, max);
        } catch (FileSystemException e) {
            throw swapped(e);
        }
    }
}
