package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;

/**
 * The merge layers (same file, same content, same name) refuse a wait on a
 * load the waiting thread itself leads, or on a load that waits for it, with EDEADLK; and no
 * lock is held while an init runs, so no merge waiter can wait on a leader queued behind it.
 */
public class MergeReentryTest extends KernelTestBase {

    /** The init loads {@code jar}; returns the errno it got (null: it succeeded). */
    private Errno[] initLoads(String name, Path[] jar) {
        Errno[] seen = new Errno[1];
        TestModules.INIT.put(name, ctx -> {
            try {
                ctx.container().load(jar[0], null);
            } catch (ModuleException e) {
                seen[0] = e.errno();
            }
        });
        return seen;
    }

    @Test
    public void anInitThatLoadsItsOwnJarGetsEdeadlk() throws Exception {
        Path[] jar = {jars.module("m")};
        Errno[] seen = initLoads("m", jar);
        Module m = within(5, async("insmod", () -> kernel.load(jar[0], null)), "a load whose init loads its own jar");
        assertEquals(Errno.EDEADLK, seen[0]);
        assertEquals(ModuleState.LIVE, m.state());
    }

    @Test
    public void anInitThatLoadsACopyOfItsOwnJarGetsEdeadlk() throws Exception {
        Path original = jars.module("m");
        Path[] copy = {tmp.getRoot().toPath().resolve("copy-of-m.jar")};
        Files.copy(original, copy[0]);
        Errno[] seen = initLoads("m", copy);
        within(5, async("insmod", () -> kernel.load(original, null)), "a load whose init loads a same-content copy");
        assertEquals(Errno.EDEADLK, seen[0]);
    }

    /**
     * a's init waits in the merger for b's load; b's leader started after an rmmod that waits
     * (on the old code: for the shared lock a's load held across its init).
     */
    @Test
    public void anInitWaitingOnALeaderStartedAfterAnRmmodDoesNotDeadlock() throws Exception {
        kernel.load(jars.module("x"), null);
        Path a = jars.module("a");
        Path b = jars.module("b");
        CountDownLatch inInit = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        TestModules.INIT.put("a", ctx -> {
            inInit.countDown();
            go.await();
            try {
                ctx.container().load(b, null);
            } catch (ModuleException e) {
                assertEquals(Errno.EEXIST, e.errno()); // b's own load finished first
            }
        });
        CompletableFuture<Module> loadA = async("insmod a", () -> kernel.load(a, null));
        assertTrue(inInit.await(5, TimeUnit.SECONDS));
        Thread[] rmmod = new Thread[1];
        CompletableFuture<Void> unloadX = async("rmmod x", () -> {
            rmmod[0] = Thread.currentThread();
            kernel.unload("x", null);
            return null;
        });
        awaitTrue(5, "rmmod started", () -> rmmod[0] != null);
        awaitTrue(5, "rmmod waiting or done", () -> waitingOrDone(rmmod[0]) || unloadX.isDone());
        Thread[] leader = new Thread[1];
        CompletableFuture<Module> loadB = async("insmod b", () -> {
            leader[0] = Thread.currentThread();
            return kernel.load(b, null);
        });
        awaitTrue(5, "b's leader started", () -> leader[0] != null);
        awaitTrue(5, "b's leader waiting or done", () -> waitingOrDone(leader[0]) || loadB.isDone());
        go.countDown();
        within(10, loadA, "a's load");
        within(10, loadB, "b's load");
        within(10, unloadX, "x's unload");
        assertFalse(kernel.find("x").isPresent());
    }

    /** a's init loads b while b's init loads a: one of the two waits would close a cycle. */
    @Test
    public void twoInitsLoadingEachOthersJarGetEdeadlkNotAHang() throws Exception {
        Path a = jars.module("a");
        Path b = jars.module("b");
        CountDownLatch bothInInit = new CountDownLatch(2);
        Errno[] seen = new Errno[2];
        Thread[] loaderOfA = new Thread[1];
        TestModules.INIT.put("a", ctx -> {
            loaderOfA[0] = Thread.currentThread();
            bothInInit.countDown();
            bothInInit.await(5, TimeUnit.SECONDS);
            try {
                ctx.container().load(b, null);
            } catch (ModuleException e) {
                seen[0] = e.errno();
            }
        });
        TestModules.INIT.put("b", ctx -> {
            bothInInit.countDown();
            bothInInit.await(5, TimeUnit.SECONDS);
            // let a's init reach its wait on b first, so the cycle closes here
            awaitTrue(5, "a's init waiting on b", () -> loaderOfA[0] != null && waitingOrDone(loaderOfA[0]) || seen[0] != null);
            try {
                ctx.container().load(a, null);
            } catch (ModuleException e) {
                seen[1] = e.errno();
            }
        });
        CompletableFuture<Module> loadA = async("insmod a", () -> kernel.load(a, null));
        CompletableFuture<Module> loadB = async("insmod b", () -> kernel.load(b, null));
        within(10, loadA, "a's load");
        within(10, loadB, "b's load");
        assertTrue("the init that closes the cycle is refused: " + java.util.Arrays.toString(seen),
                seen[0] == Errno.EDEADLK || seen[1] == Errno.EDEADLK);
    }
}
