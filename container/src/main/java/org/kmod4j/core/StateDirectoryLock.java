package org.kmod4j.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * An exclusive lock on a container's state directory ({@code <dir>/lock}), held for the
 * container's life, so a second container on the same directory fails at start instead of
 * corrupting the first one's state. The OS drops the lock when the process dies.
 *
 * <p>Java file locks are POSIX record locks: closing <em>any</em> descriptor of the file drops
 * every lock the process holds on it. So a second container in the same JVM must be refused
 * before it opens the file at all; a JVM-wide registry (in the system properties, shared by
 * every class loader that may have loaded this class) records the directories held here.
 *
 * <p>A launcher that keeps the framework's own files in the state directory (its cache, which
 * Felix cleans at start) must lock before the framework starts: it takes this lock by the same
 * rules (registry entry, {@code lock} file), records a secret under {@code <registry key>.token}
 * and hands it to the framework as {@link #TOKEN}; the container then borrows the lock instead
 * of being refused by its own launcher.
 */
public final class StateDirectoryLock implements AutoCloseable {
    /** Framework property: the token of a lock the launcher already holds on the state directory. */
    public static final String TOKEN = "kmod4j.state.lock.token";
    /** The registry's key prefix (followed by the directory's real path). */
    public static final String REGISTRY = "kmod4j.state.lock.";

    private final FileChannel channel;
    private final FileLock lock;
    private final Path directory;
    private final String registryKey;

    private StateDirectoryLock(Path directory, String registryKey, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.registryKey = registryKey;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws ModuleException EBUSY if another container holds the directory, EIO if it cannot
     *     be created
     */
    public static StateDirectoryLock acquire(Path directory) {
        return acquire(directory, null);
    }

    /**
     * As {@link #acquire(Path)}, but borrows the lock when this process already holds it under
     * {@code token} (see the class comment); a borrowed lock's {@link #close()} leaves it held.
     */
    public static StateDirectoryLock acquire(Path directory, String token) {
        Path lockFile = directory.resolve("lock");
        String owner = "pid " + ProcessHandle.current().pid();
        String key;
        try {
            Files.createDirectories(directory);
            key = REGISTRY + directory.toRealPath();
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, "cannot lock state directory " + directory + ": " + e, e);
        }
        if (token != null && !token.isEmpty() && token.equals(System.getProperty(key + ".token"))) {
            return new StateDirectoryLock(directory, null, null, null);
        }
        Object holder = System.getProperties().putIfAbsent(key, owner);
        if (holder != null) {
            throw inUse(directory, holder + ", this process");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                ByteBuffer buf = ByteBuffer.allocate(256);
                channel.read(buf, 0);
                channel.close();
                System.getProperties().remove(key, owner);
                throw inUse(directory, new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim());
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            return new StateDirectoryLock(directory, key, channel, lock);
        } catch (IOException | OverlappingFileLockException e) {
            System.getProperties().remove(key, owner);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the open failure is what matters
                }
            }
            throw new ModuleException(Errno.EIO, "cannot lock state directory " + directory + ": " + e, e);
        }
    }

    private static ModuleException inUse(Path directory, String owner) {
        return new ModuleException(Errno.EBUSY, "state directory " + directory + " is in use by another kmod4j container"
                + (owner.isEmpty() ? "" : " (" + owner + ")"));
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        if (lock == null) {
            return; // borrowed: the launcher releases it
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock anyway
        } finally {
            System.getProperties().remove(registryKey);
        }
    }
}
