package io.hostlet.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The claim of one hostlet on an instance name: an OS file lock ({@link FileChannel#tryLock}) on
 * {@code <state-dir>/instance-<instance>.lock}. Two hostlets with the same instance on one host would both act
 * on the same containers (each removing what the other just made); the second one to start finds the lock taken.
 * The OS drops the lock when its process ends, however it ends (a SIGKILL or a power cut leaves no stale lock),
 * so nothing has to be cleaned up. The file holds the holder's pid and start time, to say who holds it.
 *
 * <p>Scope: hostlets that share the state folder (the same host path or volume). Two hostlets with different
 * state folders do not see each other's lock.
 */
public final class InstanceLock implements AutoCloseable {

    private final Path file;
    private FileChannel channel;
    private FileLock lock;

    public InstanceLock(Path stateDir, String instance) {
        this.file = stateDir.resolve("instance-" + instance.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock");
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Takes the lock if it is free; true when this object holds it (now or already). */
    public synchronized boolean tryAcquire() throws IOException {
        if (lock != null) {
            return true;
        }
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by this JVM already (another InstanceLock on the same file)
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            return false;
        }
        channel = ch;
        lock = l;
        String me = "pid " + ProcessHandle.current().pid()
                + ProcessHandle.current().info().startInstant().map(t -> ", started " + t).orElse("") + "\n";
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return true;
    }

    /** Whether this object holds the lock. */
    public synchronized boolean held() {
        return lock != null && lock.isValid();
    }

    /** Who holds the lock, as its file says ("pid 1234, started ..."); "unknown" when it cannot be read. */
    public String holder() {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() || s.length() > 200 ? "unknown" : s;
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // the OS releases it with the process anyway
        } finally {
            lock = null;
            channel = null;
        }
    }
}
