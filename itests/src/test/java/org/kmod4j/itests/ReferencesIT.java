package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.frameworkHas;
import static org.kmod4j.itests.Kmod.lsmod;
import static org.kmod4j.itests.Kmod.lsmodRow;
import static org.kmod4j.itests.Kmod.snapshot;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.Bundle;

/**
 * References and unload: {@code rmmod --wait} waits for a held reference and completes once it is
 * put, gives up with EWOULDBLOCK after its wait leaving no trace; {@code rmmod -f} unloads a module
 * with a reference held and taints the container with R.
 */
public class ReferencesIT extends KmodTestSupport {

    /** How long an unload with {@code --wait} must still be waiting while the reference is held. */
    private static final long STILL_WAITING_MILLIS = 200;

    @Inject
    private CommandProcessor processor;

    private ExecutorService unloader;

    @Before
    public void unloaderThread() {
        unloader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "itest-rmmod");
            t.setDaemon(true);
            return t;
        });
    }

    @After
    public void unloadEverything() {
        unloader.shutdownNow(); // KmodTestSupport unloads the modules after this
    }

    private String snap() {
        return snapshot(bundleContext, container, processor);
    }

    @Test
    public void rmmodWaitCompletesOnceTheReferenceIsPut() throws Exception {
        unloadWaitsForTheReference(() -> {
            Kmod.CommandResult r = Kmod.run(processor, "kmod:rmmod -w=10000 tm_good");
            if (r.failure != null || !r.err.isEmpty()) {
                throw new AssertionError("rmmod -w=10000 failed: " + r, r.failure);
            }
            return null;
        });
    }

    @Test
    public void unloadWithWaitMillisCompletesOnceTheReferenceIsPut() throws Exception {
        unloadWaitsForTheReference(() -> {
            container.unload("tm_good", UnloadOptions.defaults().withWaitMillis(10_000));
            return null;
        });
    }

    /** Loads tm_good, holds a reference, starts {@code unload} on another thread, puts the reference. */
    private void unloadWaitsForTheReference(java.util.concurrent.Callable<Void> unload) throws Exception {
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        Bundle bundle = m.bundle();
        assertTrue(m.tryGet());
        boolean held = true;
        try {
            Future<Void> done = unloader.submit(unload);
            try {
                done.get(STILL_WAITING_MILLIS, TimeUnit.MILLISECONDS);
                fail("the unload finished while a reference was held");
            } catch (TimeoutException expected) {
                // still waiting, as it must
            }
            // waiting changes nothing: the module is live, referenced, found, its bundle active
            assertEquals(ModuleState.LIVE, m.state());
            assertEquals(1, m.refcount());
            assertSame(m, container.find("tm_good").orElseThrow());
            assertEquals(Bundle.ACTIVE, bundle.getState());
            assertNotNull(lsmodRow(lsmod(processor), "tm_good"));

            held = false;
            m.put();
            done.get(15, TimeUnit.SECONDS); // an AssertionError/ModuleException from the unload surfaces here

            assertEquals(ModuleState.GOING, m.state());
            assertTrue(container.find("tm_good").isEmpty());
            assertEquals(Bundle.UNINSTALLED, bundle.getState());
            assertFalse("framework still has bundle " + bundle.getBundleId(), frameworkHas(bundleContext, bundle.getBundleId()));
            assertNull(lsmodRow(lsmod(processor), "tm_good"));
            assertFalse("an unload that waited is not forced", container.taints().contains(Taint.FORCED_RMMOD));
        } finally {
            if (held) {
                m.put();
            }
        }
    }

    @Test
    public void rmmodWaitGivesUpWithEWOULDBLOCKAndLeavesNoTrace() {
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        assertTrue(m.tryGet());
        try {
            String before = snap();

            long start = System.nanoTime();
            Kmod.CommandResult r = Kmod.run(processor, "kmod:rmmod -w=100 tm_good");
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            ModuleException e = moduleException(r);
            assertEquals(r.toString(), Errno.EWOULDBLOCK, e.errno());
            assertTrue(r.toString(), r.err.contains("rmmod: ERROR: Module tm_good is in use"));
            assertTrue("rmmod -w=100 gave up after " + elapsedMillis + " ms, before its wait was over",
                    elapsedMillis >= 100);
            assertNoTrace("rmmod -w=100 of a referenced module", before, bundleContext, container, processor);

            ModuleException api = failure(Errno.EWOULDBLOCK,
                    () -> container.unload("tm_good", UnloadOptions.defaults().withWaitMillis(100)));
            assertEquals("Module tm_good is in use", api.getMessage());
            assertNoTrace("unload withWaitMillis(100) of a referenced module", before, bundleContext, container, processor);
            assertEquals(ModuleState.LIVE, m.state());
            assertEquals(1, m.refcount());
        } finally {
            m.put();
        }
        container.unload("tm_good", UnloadOptions.defaults());
        assertTrue(container.find("tm_good").isEmpty());
    }

    @Test
    public void forcedUnloadWithAReferenceHeldTaintsR() {
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        Bundle bundle = m.bundle();
        assertFalse("no forced unload yet in this framework", container.taints().contains(Taint.FORCED_RMMOD));
        assertTrue(m.tryGet());

        Kmod.ok(processor, "kmod:rmmod -f tm_good");

        assertTrue("container taints " + container.taints(), container.taints().contains(Taint.FORCED_RMMOD));
        assertTrue("module taints " + m.taints(), m.taints().contains(Taint.FORCED_RMMOD));
        assertEquals(ModuleState.GOING, m.state());
        assertTrue(container.find("tm_good").isEmpty());
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        assertFalse(frameworkHas(bundleContext, bundle.getBundleId()));

        // lsmod: "Tainted: <letters>" above the table, R among the letters; the module is gone
        String lsmod = lsmod(processor);
        String first = lsmod.split("\\R")[0];
        assertTrue("lsmod shows the taint:\n" + lsmod, first.startsWith("Tainted: "));
        assertTrue("lsmod taint letters [" + first + "] contain R", first.substring("Tainted: ".length()).contains("R"));
        assertTrue(lsmod, lsmod.contains(Kmod.LSMOD_HEADER));
        assertNull(lsmodRow(lsmod, "tm_good"));

        // the old Module object: no new reference, no guarded entry
        assertFalse("tryGet on a force-unloaded module", m.tryGet());
        failure(Errno.ENOENT, m::get);
        failure(Errno.ENOENT, m::enter);

        // the holder drops the reference it still had; the taint stays
        m.put();
        assertTrue(container.taints().contains(Taint.FORCED_RMMOD));
    }

    /** The ModuleException a failed command threw (Gogo may wrap it), with its errno. */
    private static ModuleException moduleException(Kmod.CommandResult r) {
        for (Throwable t = r.failure; t != null; t = t.getCause()) {
            if (t instanceof ModuleException) {
                return (ModuleException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        throw new AssertionError("expected the command to fail with a ModuleException: " + r, r.failure);
    }
}
