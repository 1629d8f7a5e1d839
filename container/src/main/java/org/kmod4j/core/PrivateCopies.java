package org.kmod4j.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a load keeps its private copy of the module jar ({@link ModuleManifest}): a directory of
 * this container's own, mode 0700. In a container with a state directory it is
 * {@code <state dir>/loading} (copies left by a killed run are deleted when it is set up), not
 * the shared temporary folder where other users could race for the names; {@link #close()} at
 * shutdown removes it with whatever is left in it. Without one (a kernel on another host, tools)
 * {@link #temporary()}: one fresh 0700 temporary directory of the process, made on first use and
 * removed when the JVM exits.
 */
final class PrivateCopies implements AutoCloseable {
    private final Path configured;
    private final Thread atExit;
    private Path dir;

    /**
     * @param dir the directory to use; it is also removed if the JVM exits without a
     *     {@link #close()} (the shell's exit, Ctrl-C), null for the temporary one
     */
    PrivateCopies(Path dir) {
        this.configured = dir;
        this.atExit = dir == null ? null : new Thread(this::removeDirectory, "kmod4j-private-copies");
        if (atExit != null) {
            Runtime.getRuntime().addShutdownHook(atExit);
        }
    }

    /** The process's temporary directory for copies; its {@link #close()} waits for the JVM's exit. */
    static PrivateCopies temporary() {
        return Temporary.COPIES;
    }

    private static final class Temporary {
        static final PrivateCopies COPIES = new PrivateCopies(null);

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(COPIES::removeDirectory, "kmod4j-private-copies"));
        }
    }

    /** A new empty file in the directory; the caller deletes it. */
    synchronized Path newFile() throws IOException {
        if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            dir = configured == null ? Files.createTempDirectory("kmod4j-loading-") : prepare(configured);
        }
        return Files.createTempFile(dir, "load-", ".jar");
    }

    /** Creates the directory 0700, or empties the one a killed run left. */
    private static Path prepare(Path d) throws IOException {
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(d + " exists and is not a directory");
            }
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
            deleteContents(d);
        }
        return d;
    }

    @Override
    public void close() {
        if (configured != null) {
            removeDirectory();
            try {
                Runtime.getRuntime().removeShutdownHook(atExit);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook runs (or ran) anyway
            }
        }
    }

    /** Deletes the directory with whatever is in it (a killed run's leftovers, at start); the next copy makes it anew. */
    synchronized void removeDirectory() {
        Path d = dir != null ? dir : configured;
        dir = null;
        if (d == null || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            deleteContents(d);
            Files.deleteIfExists(d);
        } catch (IOException e) {
            // a copy still open elsewhere: the next start empties the directory
        }
    }

    private static void deleteContents(Path d) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }
}
