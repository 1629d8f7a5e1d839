package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleState;

/** Lookups answer while writers are mid-load, mid-unload, or hold the module mutex. */
public class RegistryConcurrencyTest extends KernelTestBase {
    private static final int ANSWER_SECONDS = 5;

    @Test
    public void lookupsAnswerWhileALoadIsStuckInInit() throws Exception {
        Module live = kernel.load(jars.module("live"), null);
        CountDownLatch inInit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestModules.INIT.put("slow", ctx -> {
            inInit.countDown();
            release.await();
        });
        CompletableFuture<Module> load = CompletableFuture.supplyAsync(() -> {
            try {
                return kernel.load(jars.module("slow"), null);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(inInit.await(ANSWER_SECONDS, TimeUnit.SECONDS));

        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            assertSame(live, kernel.find("live").orElseThrow());
            assertSame(live, kernel.find(live.bundle()).orElseThrow());
            Module slow = kernel.find("slow").orElseThrow();
            return slow.state() + " " + kernel.modules().size();
        });
        assertEquals("COMING 2", reader.get(ANSWER_SECONDS, TimeUnit.SECONDS));
        release.countDown();
        assertEquals(ModuleState.LIVE, load.get(ANSWER_SECONDS, TimeUnit.SECONDS).state());
    }

    @Test
    public void anUnformedModuleIsInvisibleButReservesItsName() throws Exception {
        CountDownLatch installing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        host.onInstall = () -> {
            installing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<Module> first = CompletableFuture.supplyAsync(() -> load("u"));
        assertTrue(installing.await(ANSWER_SECONDS, TimeUnit.SECONDS));
        assertFalse("UNFORMED is invisible to find", kernel.find("u").isPresent());
        assertTrue(kernel.modules().isEmpty());

        host.onInstall = () -> { };
        CompletableFuture<Module> second = async("second", () -> load("u"));
        KernelModule unformed = kernel.registry.snapshot().entry("u");
        awaitTrue(ANSWER_SECONDS, "the second load waiting on the first", () -> unformed.waiters() == 1);
        assertFalse("a same-name load waits for the UNFORMED one", second.isDone());
        release.countDown();
        assertEquals(ModuleState.LIVE, first.get(ANSWER_SECONDS, TimeUnit.SECONDS).state());
        try {
            second.get(ANSWER_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("second load should fail");
        } catch (java.util.concurrent.ExecutionException e) {
            assertEquals(org.kmod4j.api.Errno.EEXIST, ((org.kmod4j.api.ModuleException) e.getCause()).errno());
        }
    }

    @Test
    public void lookupsAnswerWhileTheModuleMutexIsHeld() throws Exception {
        Module live = kernel.load(jars.module("live"), null);
        Module seen = kernel.registry.locked(() -> {
            assertTrue(kernel.registry.isLockedByCurrentThread());
            try {
                return async("reader", () -> kernel.find("live").orElseThrow()).get(ANSWER_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("a lookup waited for the module mutex", e);
            }
        }, () -> new org.kmod4j.api.ModuleException(org.kmod4j.api.Errno.EINTR, "interrupted"));
        assertSame(live, seen);
    }

    @Test
    public void lookupsAnswerAndShowGoingWhileAnExitIsStuck() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        CountDownLatch inExit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestModules.EXIT.put("a", ctx -> {
            inExit.countDown();
            release.await();
        });
        CompletableFuture<Void> unload = CompletableFuture.runAsync(() -> kernel.unload("a", null));
        assertTrue(inExit.await(ANSWER_SECONDS, TimeUnit.SECONDS));
        CompletableFuture<ModuleState> reader = CompletableFuture.supplyAsync(() -> kernel.find("a").orElseThrow().state());
        assertEquals(ModuleState.GOING, reader.get(ANSWER_SECONDS, TimeUnit.SECONDS));
        assertFalse("GOING refuses new references", a.tryGet());
        release.countDown();
        unload.get(ANSWER_SECONDS, TimeUnit.SECONDS);
    }

    private Module load(String name) {
        try {
            return kernel.load(jars.module(name), null);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
