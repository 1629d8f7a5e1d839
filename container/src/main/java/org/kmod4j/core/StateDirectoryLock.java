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
 */
public final class StateDirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final Path directory;

    private StateDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws ModuleException EBUSY if another container holds the directory, EIO if it cannot
     *     be created
     */
    public static StateDirectoryLock acquire(Path directory) {
        Path lockFile = directory.resolve("lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process
            }
            if (lock == null) {
                String owner = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
                channel.close();
                throw new ModuleException(Errno.EBUSY, "state directory " + directory + " is in use by another kmod4j container"
                        + (owner.isEmpty() ? "" : " (" + owner + ")"));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            return new StateDirectoryLock(directory, channel, lock);
        } catch (IOException e) {
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
        }
    }
}
