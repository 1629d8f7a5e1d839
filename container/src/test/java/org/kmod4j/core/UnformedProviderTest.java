package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;

/**
 * A provider still UNFORMED is waited for like a COMING one (bounded, then
 * EBUSY); a module never gets a use link to a provider whose load then fails.
 */
public class UnformedProviderTest extends KernelTestBase {
    private final CountDownLatch resolving = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /** Starts x's load and holds it in resolve: installed, bundle known, still UNFORMED. */
    private CompletableFuture<Module> holdXUnformed(boolean failResolve) throws Exception {
        Path x = jars.module("x");
        host.onResolve = () -> {
            if (!Thread.currentThread().getName().equals("insmod x")) {
                return;
            }
            resolving.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failResolve) {
                throw new ModuleException(Errno.ENOENT, "test host: x does not resolve");
            }
        };
        CompletableFuture<Module> load = async("insmod x", () -> kernel.load(x, null));
        assertTrue(resolving.await(5, TimeUnit.SECONDS));
        return load;
    }

    /** Starts y's load (y uses x) and returns once it waits (or is done). */
    private CompletableFuture<Module> loadYWhileXLoads() throws Exception {
        Path y = jars.module("y", "X-Test-Uses", "x");
        Thread[] loader = new Thread[1];
        CompletableFuture<Module> loadY = async("insmod y", () -> {
            loader[0] = Thread.currentThread();
            return kernel.load(y, null);
        });
        awaitTrue(5, "y's load waiting for x or done", () -> loader[0] != null && waitingOrDone(loader[0]) || loadY.isDone());
        return loadY;
    }

    @Test
    public void aUserOfAnUnformedProviderThatFailsFailsAndIsNotLinkedToIt() throws Exception {
        CompletableFuture<Module> x = holdXUnformed(true);
        CompletableFuture<Module> loadY = loadYWhileXLoads();
        release.countDown();
        assertEquals(Errno.ENOENT, errnoWithin(5, x, "x's load"));
        Errno e = errnoWithin(5, loadY, "y's load");
        assertTrue("y fails: its provider x failed to load (" + e + ")", e == Errno.ENOENT || e == Errno.EBUSY);
        assertTrue("nothing left: " + state(), kernel.modules().isEmpty());
        assertTrue(host.installedNames().isEmpty());
    }

    @Test
    public void aUserOfAnUnformedProviderWaitsAndLinksOnceItIsLive() throws Exception {
        CompletableFuture<Module> x = holdXUnformed(false);
        CompletableFuture<Module> loadY = loadYWhileXLoads();
        assertFalse("y waits while x is UNFORMED", loadY.isDone());
        release.countDown();
        Module mx = within(5, x, "x's load");
        Module my = within(5, loadY, "y's load");
        assertEquals(ModuleState.LIVE, my.state());
        assertEquals(List.of("x"), my.uses());
        assertEquals(List.of("y"), mx.holders());
        assertEquals(1, mx.refcount());
    }

    @Test
    public void anUnformedProviderThatStaysUnformedGivesEbusyAfterTheWait() throws Exception {
        kernel.providerWaitMillis(200);
        CompletableFuture<Module> x = holdXUnformed(false);
        String before = state();
        Path y = jars.module("y", "X-Test-Uses", "x");
        assertEquals(Errno.EBUSY, errnoWithin(5, async("insmod y", () -> kernel.load(y, null)), "y's load"));
        assertEquals("y left no trace", before, state());
        release.countDown();
        assertEquals(List.of(), within(5, x, "x's load").holders());
    }
}
