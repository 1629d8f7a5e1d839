package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;

/**
 * Any Throwable during a load (from the framework, a notifier, thread creation)
 * unwinds through the failed-init path: the load fails with a ModuleException, nothing is left
 * COMING, and the name can be loaded again at once.
 */
public class LoadFaultTest extends KernelTestBase {

    /** A load that fails with {@code fault} at {@code point}, then a clean second load of the name. */
    private void faultUnwinds(String point, Throwable fault) throws Exception {
        String before = state();
        host.faults = p -> {
            if (p.equals(point)) {
                if (fault instanceof Error) {
                    throw (Error) fault;
                }
                throw (RuntimeException) fault;
            }
        };
        Path first = jars.module("m");
        Throwable t;
        try {
            within(5, async("insmod", () -> kernel.load(first, null)), "the faulting load");
            throw new AssertionError("the load succeeded");
        } catch (ModuleException e) {
            t = e;
        }
        assertTrue("a ModuleException, not " + t, t instanceof ModuleException);
        assertFalse("nothing left COMING: " + state(), kernel.find("m").isPresent());
        assertEquals(before, state().replace("taints=[WARN]", "taints=[]"));
        assertEquals(Errno.ENOENT, expect(Errno.ENOENT, () -> kernel.unload("m", null)).errno());
        host.faults = p -> { };
        Path second = jars.module("m", "Bundle-Version", "2.0");
        Module m = within(5, async("insmod again", () -> kernel.load(second, null)), "a second load of the name");
        assertEquals(ModuleState.LIVE, m.state());
    }

    @Test
    public void anUncheckedExceptionFromLoadClassUnwinds() throws Exception {
        faultUnwinds("loadClass m", new IllegalStateException("Bundle has been uninstalled (Felix)"));
    }

    @Test
    public void anErrorFromLoadClassUnwinds() throws Exception {
        faultUnwinds("loadClass m", new AssertionError("injected"));
    }

    @Test
    public void anErrorFromStartUnwinds() throws Exception {
        faultUnwinds("start m", new StackOverflowError("injected"));
    }

    @Test
    public void anErrorFromResolveUnwinds() throws Exception {
        faultUnwinds("resolve m", new NoClassDefFoundError("injected"));
    }

    @Test
    public void anErrorThrownByAComingNotifierUnwinds() throws Exception {
        kernel.notifiers().register((event, mod) -> {
            if (event == ModuleState.COMING && mod.name().equals("bad")) {
                throw new OutOfMemoryError("injected: unable to create native thread");
            }
        }, 0);
        Module m = within(5, async("insmod", () -> kernel.load(jars.module("bad"), null)), "load with a throwing notifier");
        assertEquals("a throwing (non-veto) notifier is reported and skipped", ModuleState.LIVE, m.state());
    }

    @Test
    public void anErrorInABoundedInitUnwinds() throws Exception {
        kernel.initTimeout(5_000);
        faultUnwinds("start m", new OutOfMemoryError("injected"));
    }
}
