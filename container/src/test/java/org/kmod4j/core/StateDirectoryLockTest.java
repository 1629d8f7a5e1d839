package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

public class StateDirectoryLockTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aSecondContainerInTheSameJvmIsRefusedAndTheFirstKeepsItsLock() throws Exception {
        Path dir = tmp.newFolder("state").toPath();
        try (StateDirectoryLock first = StateDirectoryLock.acquire(dir)) {
            try {
                StateDirectoryLock.acquire(dir);
                throw new AssertionError("second acquire succeeded");
            } catch (ModuleException e) {
                assertEquals(Errno.EBUSY, e.errno());
                assertTrue(e.getMessage(), e.getMessage().contains("is in use by another kmod4j container"));
            }
            // the refusal must not have opened (and closed) the lock file: a POSIX lock would be gone
            assertEquals("first lock still held at the OS level", 1, locksHeldOn(dir));
        }
        try (StateDirectoryLock again = StateDirectoryLock.acquire(dir)) {
            assertEquals(dir, again.directory());
        }
    }

    @Test
    public void aContainerBorrowsTheLockItsLauncherHoldsOnlyWithItsToken() throws Exception {
        Path dir = tmp.newFolder("state").toPath();
        String tokenKey = StateDirectoryLock.REGISTRY + dir.toRealPath() + ".token";
        try (StateDirectoryLock launcher = StateDirectoryLock.acquire(dir)) { // the launcher's lock, same rules
            System.setProperty(tokenKey, "secret");
            try {
                assertEquals(Errno.EBUSY, refused(dir, "guessed"));
                assertEquals(Errno.EBUSY, refused(dir, null));
                try (StateDirectoryLock borrowed = StateDirectoryLock.acquire(dir, "secret")) {
                    assertEquals(dir, borrowed.directory());
                }
                assertEquals("closing the borrowed lock leaves the launcher's held", 1, locksHeldOn(dir));
                assertEquals(Errno.EBUSY, refused(dir, null));
            } finally {
                System.clearProperty(tokenKey);
            }
        }
    }

    private static Errno refused(Path dir, String token) {
        try (StateDirectoryLock l = StateDirectoryLock.acquire(dir, token)) {
            throw new AssertionError("acquired with token " + token);
        } catch (ModuleException e) {
            return e.errno();
        }
    }

    /** 1 if this process's lock is still there (another open in this JVM sees an overlap). */
    private static int locksHeldOn(Path dir) throws Exception {
        // a fresh JVM would be the truest probe; /proc/locks lists the OS record locks directly
        String inode = String.valueOf(java.nio.file.Files.getAttribute(dir.resolve("lock"), "unix:ino"));
        int n = 0;
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/locks"))) {
            if (line.contains(":" + inode + " ") && line.contains(" " + ProcessHandle.current().pid() + " ")) {
                n++;
            }
        }
        return n;
    }
}
