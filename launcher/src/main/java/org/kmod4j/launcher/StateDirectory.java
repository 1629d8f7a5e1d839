package org.kmod4j.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * The launcher's state directory, checked and locked before anything touches it: Felix cleans
 * its cache there at start, so a second container on the same directory must be refused first.
 *
 * <p>Rules (the ssh-agent rule for the directory holding the control socket): a missing directory
 * is created with mode 0700; an existing one must be a directory owned by the user running the
 * launcher and writable by no one else (no group or other write bit), else the start is refused
 * with one clear line. The lock is the container's own ({@code org.kmod4j.core.StateDirectoryLock}:
 * the {@code lock} file, a registry entry in the system properties), taken here by the same rules
 * and handed to the container through the framework property {@link #TOKEN_PROPERTY}.
 *
 * <p>{@link #temporary()} is the {@code -c} throw-away directory: private, fresh, deleted at exit.
 */
final class StateDirectory implements AutoCloseable {
    /** org.kmod4j.core.StateDirectoryLock.TOKEN: the container borrows the lock held under this token. */
    static final String TOKEN_PROPERTY = "kmod4j.state.lock.token";
    /** org.kmod4j.core.StateDirectoryLock.REGISTRY */
    private static final String REGISTRY = "kmod4j.state.lock.";
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private final Path path;
    private final boolean temporary;
    private final String key;
    private final String token;
    private final FileChannel channel;
    private final Thread cleanup;

    private StateDirectory(Path path, boolean temporary, String key, String token, FileChannel channel) {
        this.path = path;
        this.temporary = temporary;
        this.key = key;
        this.token = token;
        this.channel = channel;
        this.cleanup = temporary ? new Thread(this::delete, "kmod4j-state-cleanup") : null;
        if (cleanup != null) {
            Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C during -c
        }
    }

    /**
     * Checks (or creates) and locks {@code dir}.
     *
     * @throws IllegalStateException with the line to print when the directory is unsafe or in use
     */
    static StateDirectory open(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // made meanwhile: checked below like any existing one
            }
        }
        check(dir);
        return lock(dir, false);
    }

    /** A fresh private directory for one throw-away container, deleted by {@link #close()} or at exit. */
    static StateDirectory temporary() throws IOException {
        return lock(Files.createTempDirectory("kmod4j-c-"), true); // 0700 on POSIX
    }

    private static void check(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        if (!a.isDirectory()) {
            throw new IllegalStateException("state directory " + dir + " is not a directory");
        }
        Object uid = Files.getAttribute(dir, "unix:uid");
        long me = new com.sun.security.auth.module.UnixSystem().getUid();
        if (uid instanceof Integer && ((Integer) uid).longValue() != me) {
            throw new IllegalStateException("state directory " + dir + " is owned by user " + a.owner().getName()
                    + " (uid " + uid + "), not by the user running kmod4j (uid " + me + "); use your own with --state-dir DIR");
        }
        Set<PosixFilePermission> perms = a.permissions();
        if (perms.stream().anyMatch(OTHERS_WRITE::contains)) {
            throw new IllegalStateException("state directory " + dir + " is writable by its group or others (mode "
                    + PosixFilePermissions.toString(perms) + "); make it private with: chmod 700 " + dir);
        }
    }

    private static StateDirectory lock(Path dir, boolean temporary) throws IOException {
        String key = REGISTRY + dir.toRealPath();
        String owner = "pid " + ProcessHandle.current().pid();
        Object holder = System.getProperties().putIfAbsent(key, owner);
        if (holder != null) {
            throw inUse(dir, holder + ", this process");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                ByteBuffer buf = ByteBuffer.allocate(256);
                channel.read(buf, 0);
                String other = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
                throw inUse(dir, other);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            String token = UUID.randomUUID().toString();
            System.setProperty(key + ".token", token);
            StateDirectory state = new StateDirectory(dir, temporary, key, token, channel);
            channel = null;
            return state;
        } finally {
            if (channel != null) {
                channel.close();
                System.getProperties().remove(key, owner);
            }
        }
    }

    private static IllegalStateException inUse(Path dir, String owner) {
        return new IllegalStateException("state directory " + dir + " is in use by another kmod4j container"
                + (owner.isEmpty() ? "" : " (" + owner + ")"));
    }

    Path path() {
        return path;
    }

    /** For the framework property {@link #TOKEN_PROPERTY}. */
    String token() {
        return token;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close(); // releases the lock
        } finally {
            System.getProperties().remove(key + ".token");
            System.getProperties().remove(key);
            if (temporary) {
                delete();
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException e) {
                    // already exiting
                }
            }
        }
    }

    private void delete() {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a throw-away directory in the temporary folder
        }
    }
}
