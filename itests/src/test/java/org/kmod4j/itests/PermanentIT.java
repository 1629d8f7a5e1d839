package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.clearTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.kmod4j.itests.Kmod.trace;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;

/**
 * A module loaded as permanent can never be unloaded, forced or not. Its own framework: the module
 * stays for the framework's life.
 */
public class PermanentIT extends KmodTestSupport {

    @Inject
    private CommandProcessor processor;

    @Test
    public void aPermanentModuleRefusesEveryUnload() {
        clearTrace("tm_good");
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults().withPermanent(true));
        assertTrue(m.isPermanent());
        assertEquals(ModuleState.LIVE, m.state());
        String row = Kmod.lsmodRow(Kmod.lsmod(processor), "tm_good");
        assertTrue("lsmod marks it [permanent]: [" + row + "]", row != null && row.contains("[permanent]"));
        String before = snapshot(bundleContext, container, processor);

        for (UnloadOptions options : new UnloadOptions[] {UnloadOptions.defaults(), UnloadOptions.defaults().withForce(true)}) {
            ModuleException e = failure(() -> container.unload("tm_good", options));
            assertTrue("EBUSY or EPERM, got " + e.errno() + ": " + e.getMessage(),
                    e.errno() == Errno.EBUSY || e.errno() == Errno.EPERM);
            assertNoTrace("rmmod" + (options.force() ? " -f" : "") + " of a permanent module", before, bundleContext, container,
                    processor);
        }
        assertEquals("exit never ran", "activator.start,init:COMING", trace("tm_good"));
        assertEquals(ModuleState.LIVE, m.state());
    }
}
