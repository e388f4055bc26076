package io.hostlet.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Resolves a host path through symlinks, the way the engine will when it bind-mounts it: the I/O boundary of the
 * otherwise pure {@link Policy}, so tests can give it a made-up file system.
 */
@FunctionalInterface
public interface HostPaths {

    /** {@code path} (absolute) with every symlink of its longest existing prefix resolved, normalised. */
    String real(String path);

    /**
     * The local file system. Right when hostlet runs on the host; in a container it sees its own file system, so a
     * symlink only the host has is not followed (the literal path is still checked).
     */
    HostPaths LOCAL = path -> {
        Path p = Path.of(path).normalize();
        Path rest = Path.of("");
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            Path name = existing.getFileName();
            rest = name == null ? rest : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p.toString();
        }
        try {
            return existing.toRealPath().resolve(rest).normalize().toString();
        } catch (IOException e) {
            return p.toString(); // a broken link or no permission: the literal path is still checked
        }
    };

    /** No resolution: the path as written (for tests). */
    HostPaths LITERAL = path -> Path.of(path).normalize().toString();
}
