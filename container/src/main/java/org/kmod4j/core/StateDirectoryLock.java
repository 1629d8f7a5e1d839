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
 */
public final class StateDirectoryLock implements AutoCloseable {
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
        Path lockFile = directory.resolve("lock");
        String owner = "pid " + ProcessHandle.current().pid();
        String key;
        try {
            Files.createDirectories(directory);
            key = "kmod4j.state.lock." + directory.toRealPath();
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, "cannot lock state directory " + directory + ": " + e, e);
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
