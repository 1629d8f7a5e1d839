package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.SrcuDomain;

/**
 * An unload holds no lock across its grace periods, exit and implicit barrier,
 * so module code running inside them may call back into the container; an unload that would
 * wait on the calling thread's own read section fails at once with EDEADLK.
 */
public class UnloadReentryTest extends KernelTestBase {

    @Test
    public void aGuardedCallThatUnloadsItsOwnModuleGetsEdeadlkAndLaterLoadsGoOn() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        CompletableFuture<Errno> inside = async("guarded", () -> {
            try (ModuleGuard g = m.enter()) {
                kernel.unload("m", null);
                return null;
            } catch (ModuleException e) {
                return e.errno();
            }
        });
        assertEquals(Errno.EDEADLK, within(5, inside, "unload from inside the module's own guard"));
        assertEquals("the refused unload left the module as it was", ModuleState.LIVE, m.state());
        Path other = jars.module("other");
        assertEquals(ModuleState.LIVE, within(5, async("later load", () -> kernel.load(other, null)), "a later load").state());
        kernel.unload("m", null);
    }

    @Test
    public void aReadSectionOfANamedDomainRefusesItsModulesUnload() throws Exception {
        SrcuDomain[] cache = new SrcuDomain[1];
        TestModules.INIT.put("m", ctx -> cache[0] = ctx.domain("cache"));
        Module m = kernel.load(jars.module("m"), null);
        CompletableFuture<Errno> inside = async("reader", () -> {
            try (SrcuDomain.Guard g = cache[0].enter()) {
                kernel.unload("m", null);
                return null;
            } catch (ModuleException e) {
                return e.errno();
            }
        });
        assertEquals(Errno.EDEADLK, within(5, inside, "unload from inside one of the module's read sections"));
        assertEquals(ModuleState.LIVE, m.state());
    }

    @Test
    public void anSrcuCallbackThatUnloadsItsOwnModuleGetsEdeadlk() throws Exception {
        CompletableFuture<Errno> seen = new CompletableFuture<>();
        TestModules.INIT.put("m", ctx -> ctx.domain().call(() -> {
            try {
                // the grace period may end while m is still COMING (then unload is EBUSY, not the case here)
                awaitTrue(5, "m LIVE", () -> ctx.module().state() == ModuleState.LIVE);
                kernel.unload("m", null); // its implicit barrier would wait for this callback
                seen.complete(null);
            } catch (ModuleException e) {
                seen.complete(e.errno());
            }
        }));
        Module m = kernel.load(jars.module("m"), null);
        assertEquals(Errno.EDEADLK, within(5, seen, "unload from the module's own SRCU callback"));
        assertEquals(ModuleState.LIVE, m.state());
        within(5, async("rmmod", () -> {
            kernel.unload("m", null);
            return null;
        }), "a later unload");
    }

    @Test
    public void aGuardedCallThatLoadsAfterGoingDoesNotDeadlockWithTheUnload() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        Path other = jars.module("other");
        CountDownLatch inside = new CountDownLatch(1);
        CompletableFuture<Module> call = async("guarded", () -> {
            try (ModuleGuard g = m.enter()) {
                inside.countDown();
                awaitTrue(5, "m GOING", () -> m.state() == ModuleState.GOING);
                return kernel.load(other, null); // the unload waits for this very call
            }
        });
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        CompletableFuture<Void> unload = async("rmmod", () -> {
            kernel.unload("m", null);
            return null;
        });
        assertEquals(ModuleState.LIVE, within(10, call, "a load from a guarded call while its module goes").state());
        within(10, unload, "the unload waiting for that call");
        assertFalse(kernel.find("m").isPresent());
    }

    @Test
    public void anSrcuCallbackThatLoadsDuringTheImplicitBarrierDoesNotDeadlock() throws Exception {
        Path other = jars.module("other");
        CompletableFuture<Module> loaded = new CompletableFuture<>();
        CountDownLatch queued = new CountDownLatch(1);
        TestModules.INIT.put("m", ctx -> {
            Module self = ctx.module();
            ctx.domain().call(() -> {
                queued.countDown();
                try {
                    awaitTrue(5, "m GOING", () -> self.state() == ModuleState.GOING);
                    loaded.complete(kernel.load(other, null)); // the barrier of m's unload waits for this callback
                } catch (Throwable t) {
                    loaded.completeExceptionally(t);
                }
            });
        });
        kernel.load(jars.module("m"), null);
        assertTrue(queued.await(5, TimeUnit.SECONDS));
        CompletableFuture<Void> unload = async("rmmod", () -> {
            kernel.unload("m", null);
            return null;
        });
        assertEquals(ModuleState.LIVE, within(10, loaded, "a load from an SRCU callback during the barrier").state());
        within(10, unload, "the unload whose barrier waits for that callback");
    }

    @Test
    public void anExitThatLoadsAndUnloadsOnAnotherThreadDoesNotDeadlock() throws Exception {
        kernel.load(jars.module("victim"), null);
        Path other = jars.module("other");
        TestModules.EXIT.put("m", ctx -> within(10, async("exit helper", () -> {
            ctx.container().unload("victim", null);
            return ctx.container().load(other, null);
        }), "load and unload from a helper of exit"));
        kernel.load(jars.module("m"), null);
        within(15, async("rmmod", () -> {
            kernel.unload("m", null);
            return null;
        }), "the unload whose exit loads");
        assertFalse(kernel.find("victim").isPresent());
        assertTrue(kernel.find("other").isPresent());
    }
}
