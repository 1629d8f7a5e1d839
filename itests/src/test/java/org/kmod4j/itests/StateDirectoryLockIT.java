package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The container's state-directory lock also holds against other processes, and a refused second
 * container in the same JVM must not weaken it. Its own framework, so that the baseline is taken
 * before any refused attempt touched the lock file. (On Linux, closing any descriptor of a file
 * drops every POSIX record lock the process holds on it; the JDK's FileLock javadoc warns about
 * this. A refused attempt that opens and closes the lock file in the same JVM would silently
 * unlock the directory for everyone else.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StateDirectoryLockIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return new Option[] {KmodOptions.kmod4j()};
    }

    @Test
    public void theStateDirectoryStaysLockedAgainstOtherProcessesAfterARefusal() throws Exception {
        String stateDir = SecondContainer.stateDir(context);
        Path lockFile = Path.of(stateDir, "lock");
        assertTrue(lockFile + " exists", Files.isRegularFile(lockFile));
        assertEquals("baseline: another process cannot lock " + lockFile, "locked",
                SecondContainer.otherProcessTryLock(lockFile));

        SecondContainer.refused(context, stateDir);

        assertEquals("after a refused second container in this JVM, another process can lock " + lockFile,
                "locked", SecondContainer.otherProcessTryLock(lockFile));
    }
}
