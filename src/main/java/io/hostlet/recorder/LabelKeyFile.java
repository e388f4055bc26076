package io.hostlet.recorder;

import io.hostlet.manifest.LabelKey;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The host's {@link LabelKey} in {@code <state-dir>/label-key}: 32 random bytes, made once, readable by hostlet's user
 * only (0600). Made atomically: the bytes are written and synced under a temporary name, then hard-linked to the
 * final name, which fails if another process made one first (then that one is read), so two starts never end up with
 * two keys and nobody ever reads half a key.
 *
 * <p>A key that cannot be read or made does not stop hostlet: the key only makes causes comparable across restarts,
 * so hostlet warns and uses a key for this process only (values stay secret; a later cause may say "not comparable").
 */
public final class LabelKeyFile {

    private static final Logger LOG = Logger.getLogger(LabelKeyFile.class);
    /** The file's name in the state folder. */
    public static final String NAME = "label-key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private LabelKeyFile() {
    }

    /** The key in {@code stateDir}, made first if there is none; a per-process key (with a warning) if that fails. */
    public static LabelKey loadOrCreate(Path stateDir) {
        Path file = stateDir.resolve(NAME);
        try {
            return read(file).orElseGet(() -> create(stateDir, file));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read or make the label key %s (%s); using a key for this process only: spec labels"
                    + " written now cannot be compared after a restart", file, e.getMessage());
            return LabelKey.ephemeral();
        }
    }

    private static java.util.Optional<LabelKey> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != LabelKey.BYTES) {
            throw new IOException("it has " + bytes.length + " bytes, not " + LabelKey.BYTES
                    + "; it is left as it is for a person to look at (delete it to have a new one made)");
        }
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                LOG.warnf("the label key %s is readable by others (%s); chmod 600 it", file,
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to check
        }
        return java.util.Optional.of(LabelKey.of(bytes));
    }

    private static LabelKey create(Path stateDir, Path file) {
        try {
            Files.createDirectories(stateDir);
            LabelKey fresh;
            byte[] bytes = new byte[LabelKey.BYTES];
            new java.security.SecureRandom().nextBytes(bytes);
            fresh = LabelKey.of(bytes);
            Path tmp = stateDir.resolve(NAME + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            try {
                try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        ownerOnly(stateDir))) {
                    ch.write(ByteBuffer.wrap(bytes));
                    ch.force(true);
                }
                try {
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException lost) {
                    return read(file).orElseThrow(() -> new IOException("it vanished while being made"));
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            syncDir(stateDir);
            LOG.infof("made the label key %s (keys the digests in io.hostlet.spec labels; keep it with the state)", file);
            return fresh;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    /** So the new name survives a power cut along with the bytes; best effort where directories cannot be opened. */
    private static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not possible on this platform
        }
    }
}
