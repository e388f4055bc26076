package io.hostlet.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's file system as the policy needs it, one path component at a time and never through a symlink (an
 * {@code lstat}): the I/O boundary of the otherwise pure {@link Policy}, so tests can give it a made-up file system.
 * {@link BindResolver} walks it.
 */
public interface HostPaths {

    /** What one path names, links not followed. */
    enum Kind {
        /** Nothing there. */
        MISSING,
        /** A folder. */
        DIRECTORY,
        /** A regular file. */
        FILE,
        /** A symbolic link (see {@link #link}). */
        LINK,
        /** A socket, a device or a pipe. */
        SPECIAL,
        /** There, but it cannot be looked at (permissions, an I/O error): the policy refuses what it cannot check. */
        UNREADABLE
    }

    /** What {@code path} (absolute, normalised) is, without following a link at its last component. */
    Kind kind(String path);

    /** The target of the link {@code path}, as stored; null when it cannot be read. */
    String link(String path);

    /** Up to {@code max} names in the folder {@code dir}; empty when it cannot be listed. */
    List<String> children(String dir, int max);

    /**
     * The local file system. Right when hostlet runs on the host; in a container it is hostlet's own view, so the host
     * paths of its own folders come from its mounts (see {@link Policy#learn}).
     */
    HostPaths LOCAL = new HostPaths() {
        @Override
        public Kind kind(String path) {
            try {
                BasicFileAttributes a = Files.readAttributes(Path.of(path), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                return a.isSymbolicLink() ? Kind.LINK : a.isDirectory() ? Kind.DIRECTORY
                        : a.isRegularFile() ? Kind.FILE : Kind.SPECIAL;
            } catch (NoSuchFileException e) {
                return Kind.MISSING;
            } catch (IOException | SecurityException e) {
                return Kind.UNREADABLE;
            }
        }

        @Override
        public String link(String path) {
            try {
                return Files.readSymbolicLink(Path.of(path)).toString();
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return null;
            }
        }

        @Override
        public List<String> children(String dir, int max) {
            List<String> out = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of(dir))) {
                for (Path p : s) {
                    if (out.size() >= max) {
                        break;
                    }
                    out.add(p.getFileName().toString());
                }
            } catch (IOException | SecurityException e) {
                return List.of();
            }
            return out;
        }
    };

    /** Nothing exists: every path resolves to itself (for tests and offline tools). */
    HostPaths LITERAL = new HostPaths() {
        @Override
        public Kind kind(String path) {
            return Kind.MISSING;
        }

        @Override
        public String link(String path) {
            return null;
        }

        @Override
        public List<String> children(String dir, int max) {
            return List.of();
        }
    };
}
