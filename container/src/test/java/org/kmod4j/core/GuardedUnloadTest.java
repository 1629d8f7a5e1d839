package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Guarded;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.SrcuDomain;

/** Unload's order with guarded calls and callbacks: GOING → grace period → exit → barrier → free. */
public class GuardedUnloadTest extends KernelTestBase {
    private final List<String> order = new CopyOnWriteArrayList<>();

    @Test
    public void unloadWaitsForAnInFlightGuardedCallBeforeExit() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        TestModules.EXIT.put("m", ctx -> order.add("exit"));
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        @SuppressWarnings("unchecked")
        Supplier<String> service = Guarded.service(m, Supplier.class, (Supplier<String>) () -> {
            inCall.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("call finished");
            return "ok";
        });
        CompletableFuture<String> call = CompletableFuture.supplyAsync(service::get);
        assertTrue(inCall.await(5, TimeUnit.SECONDS));
        Thread[] rmmod = new Thread[1];
        CompletableFuture<Void> unload = async("rmmod", () -> {
            rmmod[0] = Thread.currentThread();
            kernel.unload("m", null);
            return null;
        });
        awaitTrue(5, "m GOING", () -> m.state() == org.kmod4j.api.ModuleState.GOING);
        expect(Errno.ENOENT, service::get); // new guarded calls fail at once once GOING
        awaitTrue(5, "the unload parked in its grace period", () -> waitingOrDone(rmmod[0]));
        assertFalse("unload waits for the call in flight", unload.isDone());
        assertTrue(order.isEmpty());
        release.countDown();
        assertEquals("ok", call.get(5, TimeUnit.SECONDS));
        unload.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("call finished", "exit"), order);
    }

    @Test
    public void queuedCallbacksRunBeforeTheBundleIsFreed() throws Exception {
        TestModules.INIT.put("m", ctx -> {
            SrcuDomain d = ctx.domain("cache");
            for (int i = 0; i < 10; i++) {
                int n = i;
                d.call(() -> order.add("cb" + n + " installed=" + host.installedNames()));
            }
        });
        kernel.load(jars.module("m"), null);
        kernel.unload("m", null);
        assertEquals(10, order.size());
        for (int i = 0; i < 10; i++) {
            assertEquals("cb" + i + " installed=[m]", order.get(i));
        }
        assertTrue(log.entries().toString().contains("m: srcu barrier on domain cache: "));
    }

    @Test
    public void aModuleThatNeverUsedCallPaysNoBarrier() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        try (ModuleGuard g = m.enter()) {
            assertEquals(m, g.module());
        }
        kernel.unload("m", null);
        assertFalse(m.domain().hadCallbacks());
        assertFalse(log.entries().toString().contains("srcu barrier"));
        assertTrue("the grace period did run", m.domain().gracePeriods() >= 1);
    }

    @Test
    public void aCallbackQueuedByAGoingNotifierIsStillDrained() throws Exception {
        TestModules.EXIT.put("m", ctx -> { });
        kernel.notifiers().register((event, mod) -> {
            if (event == org.kmod4j.api.ModuleState.GOING) {
                // GOING notifiers run before the barrier: this one is drained
                ((KernelModule) mod).srcuStruct("late").call(() -> order.add("drained"));
            }
        }, 0);
        Module m = kernel.load(jars.module("m"), null);
        kernel.unload("m", null);
        assertEquals(List.of("drained"), order);
        assertTrue(m.domains().containsKey("late"));
        assertTrue(m.domains().get("late").gracePeriods() >= 1);
    }

    @Test
    public void enterFailsWhileComingWithEbusy() throws Exception {
        TestModules.INIT.put("m", ctx -> expect(Errno.EBUSY, ctx.module()::enter));
        kernel.load(jars.module("m"), null);
        assertTrue(TestModules.CALLS.contains("init m"));
    }
}
