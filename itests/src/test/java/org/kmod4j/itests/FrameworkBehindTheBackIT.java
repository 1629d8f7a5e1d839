package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.kmod4j.paxexam.KmodTestSupport;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Felix stops, uninstalls or refreshes a module's bundle without rmmod: the container follows
 * (the module is GOING at once, dmesg says why, the unload runs, taint R when it was held).
 * lsmod never shows such a module Live.
 */
public class FrameworkBehindTheBackIT extends KmodTestSupport {
    private static final long WAIT_SECONDS = 30;



    @Inject
    private CommandProcessor processor;



    private Module load(String key) {
        return container.load(KmodOptions.jar(key), LoadOptions.defaults());
    }

    /** Neither the registry nor lsmod calls a module Live whose bundle Felix does not run. */
    private void assertNothingLiveThatFelixStopped() {
        for (Module m : container.modules()) {
            // STOPPING: Felix sets it just before it delivers the STOPPING event that makes the module GOING
            int state = m.bundle().getState();
            if (m.state() == ModuleState.LIVE && state != Bundle.STOPPING) {
                assertEquals(m.name() + " is Live, so its bundle must be ACTIVE", Bundle.ACTIVE, state);
            }
        }
        String lsmod = Kmod.lsmod(processor);
        for (String row : lsmod.split("\\R")) {
            String name = row.trim().split("\\s+")[0];
            Module m = container.find(name).orElse(null);
            if (m != null && row.contains(" Live")) {
                int state = m.bundle().getState();
                assertTrue("lsmod shows " + name + " Live, its bundle is " + Kmod.stateName(state),
                        state == Bundle.ACTIVE || state == Bundle.STOPPING);
            }
        }
    }

    /** Waits (bounded) until none of the modules is loaded, checking the invariant all along. */
    private void awaitUnloaded(String... names) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (;;) {
            assertNothingLiveThatFelixStopped();
            boolean any = false;
            for (String n : names) {
                any |= container.find(n).isPresent();
            }
            if (!any) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                StringBuilder why = new StringBuilder("still loaded after " + WAIT_SECONDS + " s:");
                for (Module m : container.modules()) {
                    why.append(' ').append(m.name()).append('/').append(m.state()).append("/bundle ")
                            .append(Kmod.stateName(m.bundle().getState()));
                }
                why.append("\ndmesg:\n").append(String.join("\n", container.dmesg())).append("\nthreads:\n");
                for (java.lang.management.ThreadInfo t : java.lang.management.ManagementFactory.getThreadMXBean()
                        .dumpAllThreads(true, true)) {
                    why.append(t);
                }
                throw new AssertionError(why.toString());
            }
            Thread.sleep(10);
        }
    }

    private boolean dmesgHas(String text) {
        return container.dmesg().stream().anyMatch(l -> l.contains(text));
    }

    @Test
    public void aBundleStoppedThroughTheFrameworkIsUnloaded() throws Exception {
        Kmod.clearTrace("tm_good");
        Module good = load("tm-good");
        Bundle bundle = good.bundle();
        bundle.stop();
        assertNotEquals("not Live once Felix stopped its bundle", ModuleState.LIVE, good.state());
        awaitUnloaded("tm_good");
        assertTrue(container.dmesg().toString(), dmesgHas("tm_good: bundle stopped by the framework, not by rmmod"));
        assertTrue(container.dmesg().toString(), dmesgHas("tm_good: unloaded (bundle stopped by the framework)"));
        assertEquals("the module's exit ran", true, Kmod.trace("tm_good").contains("exit"));
        assertTrue("nothing was holding it: not forced", good.taints().isEmpty());
        assertFalse("the container uninstalled the bundle", Kmod.frameworkHas(bundleContext, bundle.getBundleId()));
        // and it loads again
        assertEquals(ModuleState.LIVE, load("tm-good").state());
    }

    @Test
    public void uninstallingAHeldProviderUnloadsItForcedAndTheRefreshTakesItsUserToo() throws Exception {
        Module provider = load("tm-capprovider");
        Module user = load("tm-capuser");
        provider.bundle().uninstall();
        assertNotEquals(ModuleState.LIVE, provider.state());
        // the container's refresh of the uninstalled provider stops its user: that is followed too
        awaitUnloaded("acc.capprovider", "acc.capuser");
        assertTrue(provider.taints().contains(Taint.FORCED_RMMOD));
        assertTrue(container.taints().contains(Taint.FORCED_RMMOD));
        assertTrue(container.dmesg().toString(), dmesgHas("acc.capprovider: forced unload by the framework, in use by: acc.capuser"));
        assertTrue(container.dmesg().toString(), dmesgHas("acc.capuser: bundle stopped by the framework"));
        assertFalse(Kmod.frameworkHas(bundleContext, user.bundle().getBundleId()));
    }

    @Test
    public void aRefreshOfAProviderUnloadsItAndItsUser() throws Exception {
        Module lib = load("tm-lib");
        load("tm-user");
        FrameworkWiring wiring = bundleContext.getBundle(0).adapt(FrameworkWiring.class);
        wiring.refreshBundles(List.of(lib.bundle()));
        awaitUnloaded("tm_lib", "tm_user");
        assertTrue(container.dmesg().toString(), dmesgHas("tm_lib: bundle stopped by the framework"));
        assertTrue(container.dmesg().toString(), dmesgHas("tm_user: bundle stopped by the framework"));
    }
}
