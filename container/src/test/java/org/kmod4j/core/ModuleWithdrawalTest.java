package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;

/** The framework stops a module's bundle behind the container's back: the container follows. */
public class ModuleWithdrawalTest extends KernelTestBase {

    private void awaitGone(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (kernel.find(name).isPresent()) {
            assertTrue(name + " still loaded after 10 s", System.nanoTime() < deadline);
            Thread.sleep(5);
        }
    }

    @Test
    public void aStoppedBundleMakesItsModuleGoingAtOnceThenUnloaded() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        assertTrue(kernel.bundleWithdrawn(m.bundle(), "stopped"));
        assertEquals("never Live once the framework stopped it", ModuleState.GOING, m.state());
        awaitGone("m");
        assertEquals(List.of("init m", "exit m"), TestModules.CALLS);
        assertEquals(List.of("install m", "start m", "stop m", "uninstall m"), host.events);
        assertTrue(String.join("\n", kernel.dmesg()),
                kernel.dmesg().stream().anyMatch(l -> l.contains("m: bundle stopped by the framework, not by rmmod")));
        assertTrue("nothing forced: no taint", kernel.taints().isEmpty());
    }

    @Test
    public void theContainersOwnStopsAreNotWithdrawals() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        kernel.unload("m", null);
        assertFalse(kernel.bundleWithdrawn(m.bundle(), "stopped"));
        assertTrue(kernel.taints().isEmpty());
    }

    @Test
    public void aHeldOrUsedModuleIsWithdrawnForcedAndTaintsR() throws Exception {
        Module lib = kernel.load(jars.module("lib"), null);
        Module user = kernel.load(jars.module("user", "X-Test-Uses", "lib"), null);
        ModuleRef ref = lib.get();
        assertTrue(kernel.bundleWithdrawn(lib.bundle(), "uninstalled"));
        assertEquals("the holder's link went with the bundle", List.of(), user.uses());
        awaitGone("lib");
        assertTrue(kernel.taints().contains(Taint.FORCED_RMMOD));
        assertTrue(lib.taints().contains(Taint.FORCED_RMMOD));
        assertEquals(ModuleState.LIVE, user.state());
        ref.close();
        kernel.unload("user", null);
    }

    @Test
    public void aPermanentModuleIsFollowedTooAndTaintsR() throws Exception {
        Module p = kernel.load(jars.module("p"), LoadOptions.defaults().withPermanent(true));
        assertTrue(kernel.bundleWithdrawn(p.bundle(), "stopped"));
        awaitGone("p");
        assertTrue(kernel.taints().contains(Taint.FORCED_RMMOD));
    }
}
