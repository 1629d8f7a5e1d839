package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;

/** rmmod's checks in Linux's order: holders, state, permanence, references; force; --wait. */
public class ModuleUnloadTest extends KernelTestBase {

    @Test
    public void aHeldReferenceBlocksUnloadUntilPut() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        assertTrue(a.tryGet());
        assertEquals(1, a.refcount());
        String before = state();

        assertEquals("Module a is in use", expect(Errno.EWOULDBLOCK, () -> kernel.unload("a", null)).getMessage());
        assertEquals("the failed unload restored the base reference", before, state());
        assertEquals(ModuleState.LIVE, a.state());
        assertTrue("references still work after a refused unload", a.tryGet());
        a.put();

        a.put();
        kernel.unload("a", null);
        assertFalse(kernel.find("a").isPresent());
    }

    @Test
    public void moduleRefIsTryWithResources() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        try (ModuleRef ref = a.get()) {
            assertEquals(1, a.refcount());
            ref.close(); // a second close below must not put twice
        }
        assertEquals(0, a.refcount());
        kernel.unload("a", null);
    }

    @Test
    public void putWithoutGetIsReportedNotWrapped() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        a.put();
        assertEquals(0, a.refcount());
        assertTrue(kernel.taints().contains(Taint.WARN));
        assertTrue(log.entries().toString(), log.entries().toString().contains("reference put without a get"));
        kernel.unload("a", null);
    }

    @Test
    public void forceBypassesReferencesAndTaintsR() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        assertTrue(a.tryGet());
        kernel.unload("a", UnloadOptions.defaults().withForce(true));
        assertFalse(kernel.find("a").isPresent());
        assertEquals(Set.of(Taint.FORCED_RMMOD), kernel.taints());
        assertTrue(a.taints().contains(Taint.FORCED_RMMOD));
        assertFalse("a forced-out module gives no new references", a.tryGet());
    }

    @Test
    public void holdersBlockUnloadEvenWhenForced() throws Exception {
        Module lib = kernel.load(jars.module("lib"), null);
        Module user = kernel.load(jars.module("user", "X-Test-Uses", "lib"), null);
        Module user2 = kernel.load(jars.module("user2", "X-Test-Uses", "lib"), null);
        assertEquals(List.of("user", "user2"), lib.holders());
        assertEquals(List.of("lib"), user.uses());
        assertEquals("each use link holds a reference", 2, lib.refcount());
        String before = state();

        assertEquals("Module lib is in use by: user user2", expect(Errno.EWOULDBLOCK, () -> kernel.unload("lib", null)).getMessage());
        expect(Errno.EWOULDBLOCK, () -> kernel.unload("lib", UnloadOptions.defaults().withForce(true)));
        assertEquals(before, state());
        assertTrue("force refused by holders does not taint", kernel.taints().isEmpty());

        kernel.unload("user", null);
        kernel.unload("user2", null);
        assertEquals(List.of(), lib.holders());
        assertEquals(0, lib.refcount());
        kernel.unload("lib", null);
    }

    @Test
    public void permanentModulesAreNeverRemoved() throws Exception {
        kernel.load(jars.module("p"), LoadOptions.defaults().withPermanent(true));
        kernel.load(jars.module("q", "Module-Permanent", "true"), null);
        String before = state();
        for (String name : List.of("p", "q")) {
            assertTrue(expect(Errno.EBUSY, () -> kernel.unload(name, null)).getMessage().contains("permanent"));
            expect(Errno.EBUSY, () -> kernel.unload(name, UnloadOptions.defaults().withForce(true)));
            assertTrue(kernel.find(name).orElseThrow().isPermanent());
        }
        assertEquals(before, state());
    }

    @Test
    public void waitRetriesUntilTheReferenceIsDropped() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        assertTrue(a.tryGet());
        Thread[] rmmod = new Thread[1];
        CompletableFuture<Void> unload = async("rmmod --wait", () -> {
            rmmod[0] = Thread.currentThread();
            kernel.unload("a", UnloadOptions.defaults().withWaitMillis(10_000));
            return null;
        });
        awaitTrue(5, "rmmod started", () -> rmmod[0] != null);
        awaitTrue(5, "rmmod backing off", () -> waitingOrDone(rmmod[0]));
        assertFalse("still waiting while the reference is held", unload.isDone());
        a.put();
        unload.get(10, TimeUnit.SECONDS);
        assertFalse(kernel.find("a").isPresent());
    }

    @Test
    public void waitGivesUpWithEwouldblock() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        assertTrue(a.tryGet());
        expect(Errno.EWOULDBLOCK, () -> kernel.unload("a", UnloadOptions.defaults().withWaitMillis(50)));
        assertEquals(ModuleState.LIVE, a.state());
        a.put();
    }

    @Test
    public void anExitThatThrowsIsReportedAndTheModuleStillGoes() throws Exception {
        kernel.load(jars.module("a"), null);
        TestModules.EXIT.put("a", ctx -> {
            throw new IllegalStateException("exit broke");
        });
        kernel.unload("a", null);
        assertFalse(kernel.find("a").isPresent());
        assertTrue(host.installedNames().isEmpty());
        assertTrue(kernel.taints().contains(Taint.WARN));
        assertTrue(log.entries().toString().contains("exit broke"));
    }

    @Test
    public void anInitMayUnloadAnotherModule() throws Exception {
        kernel.load(jars.module("victim"), null);
        TestModules.INIT.put("a", ctx -> ctx.container().unload("victim", null));
        java.nio.file.Path a = jars.module("a");
        // nothing is held while an init runs, so the unload neither deadlocks nor is refused
        assertEquals(ModuleState.LIVE, within(5, async("insmod a", () -> kernel.load(a, null)), "load of a").state());
        assertFalse(kernel.find("victim").isPresent());
    }

    @Test
    public void aModuleUsingOneStillInItsInitWaitsForIt() throws Exception {
        java.util.concurrent.CountDownLatch inInit = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TestModules.INIT.put("lib", ctx -> {
            inInit.countDown();
            release.await();
        });
        java.nio.file.Path libJar = jars.module("lib");
        java.nio.file.Path userJar = jars.module("user", "X-Test-Uses", "lib");
        CompletableFuture<Module> lib = CompletableFuture.supplyAsync(() -> kernel.load(libJar, null));
        assertTrue(inInit.await(5, TimeUnit.SECONDS));
        CompletableFuture<Module> user = async("insmod user", () -> kernel.load(userJar, null));
        KernelModule coming = kernel.registry.snapshot().entry("lib");
        awaitTrue(5, "user waiting for lib", () -> coming.waiters() == 1);
        assertFalse("the user waits while lib is COMING", user.isDone());
        release.countDown();
        assertEquals(ModuleState.LIVE, user.get(5, TimeUnit.SECONDS).state());
        assertEquals(List.of("user"), lib.get(5, TimeUnit.SECONDS).holders());
    }
}
