package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;
import org.kmod4j.paxexam.KmodTestSupport;

/**
 * The container's state-directory lock also holds against other processes, and a refused second
 * container in the same JVM must not weaken it. Its own framework, so that the baseline is taken
 * before any refused attempt touched the lock file. (On Linux, closing any descriptor of a file
 * drops every POSIX record lock the process holds on it; the JDK's FileLock javadoc warns about
 * this. A refused attempt that opens and closes the lock file in the same JVM would silently
 * unlock the directory for everyone else.)
 */
public class StateDirectoryLockIT extends KmodTestSupport {

    @Test
    public void theStateDirectoryStaysLockedAgainstOtherProcessesAfterARefusal() throws Exception {
        String stateDir = SecondContainer.stateDir(bundleContext);
        Path lockFile = Path.of(stateDir, "lock");
        assertTrue(lockFile + " exists", Files.isRegularFile(lockFile));
        assertEquals("baseline: another process cannot lock " + lockFile, "locked",
                SecondContainer.otherProcessTryLock(lockFile));

        SecondContainer.refused(bundleContext, stateDir);

        assertEquals("after a refused second container in this JVM, another process can lock " + lockFile,
                "locked", SecondContainer.otherProcessTryLock(lockFile));
    }
}
