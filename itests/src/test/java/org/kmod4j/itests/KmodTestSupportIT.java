package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.paxexam.KmodTestSupport;

/** The published test support: commands that fail read as kmod's line, an init failure keeps its cause. */
public class KmodTestSupportIT extends KmodTestSupport {

    @Test
    public void commandsRunAndModulesAreUnloadedAfterEachTest() {
        load(KmodOptions.jar("tm-good"));
        assertTrue(kmod("lsmod"), kmod("lsmod").contains("tm_good"));
        await("tm_good live", () -> container.find("tm_good").map(m -> m.state() == ModuleState.LIVE).orElse(false));
    }

    @Test
    public void aFailingCommandReadsAsTheKmodLineWithItsErrno() {
        try {
            kmod("rmmod no_such_module");
            throw new AssertionError("rmmod of a module that is not loaded succeeded");
        } catch (ModuleException e) {
            assertEquals("rmmod: ERROR: Module no_such_module is not currently loaded", e.getMessage());
            assertEquals(Errno.ENOENT, e.errno());
        }
    }

    @Test
    public void anInitFailureIsAModuleExceptionWithTheModulesExceptionAsCause() {
        ModuleException e = loadFails(Errno.EIO, KmodOptions.jar("tm-initthrows"));
        Throwable cause = e.getCause();
        assertTrue(String.valueOf(cause), cause.toString().startsWith("java.lang.IllegalStateException: tm_initthrows: boom"));
        assertTrue(Arrays.toString(cause.getStackTrace()), Arrays.stream(cause.getStackTrace())
                .anyMatch(f -> f.getClassName().equals("org.kmod4j.testmodules.initthrows.InitThrowsModule")
                        && f.getMethodName().equals("init")));
        assertTrue(container.modules().isEmpty());
    }
}
