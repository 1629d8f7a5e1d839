package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;

/**
 * The source behind ModuleContext.service: which provider a call goes to, and that a call is
 * never refused while some provider is LIVE. Fed directly here; the Felix side is ServiceFollowing
 * (itests).
 */
public class ServiceFollowerTest extends KernelTestBase {
    private long serviceIds = 100;

    private ServiceFollower follower(long waitMillis) {
        return new ServiceFollower(kernel, "Supplier", waitMillis);
    }

    @SuppressWarnings("unchecked")
    private static Supplier<String> proxy(ServiceFollower f) {
        return GuardedProxyClasses.newProxy(Supplier.class, f);
    }

    private long provide(ServiceFollower f, Module m, int ranking, String answer) {
        long id = serviceIds++;
        f.added(id, ranking, m.bundle(), (Supplier<String>) () -> answer);
        return id;
    }

    @Test
    public void withoutAProviderACallFailsAtOnceWithEnoent() {
        Supplier<String> s = proxy(follower(0));
        expect(Errno.ENOENT, s::get);
        assertTrue(s.toString().contains("no provider"));
    }

    @Test
    public void theHighestRankingThenTheLowestServiceIdIsCalled() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        Module b = kernel.load(jars.module("b"), null);
        ServiceFollower f = follower(0);
        Supplier<String> s = proxy(f);
        provide(f, a, 0, "a");
        long bId = provide(f, b, 0, "b");
        assertEquals("a", s.get());
        f.modified(bId, 5);
        assertEquals("b", s.get());
        f.removed(bId);
        assertEquals("a", s.get());
    }

    @Test
    public void aProviderStillComingIsNotCalledUntilLive() throws Exception {
        ServiceFollower f = follower(0);
        Supplier<String> s = proxy(f);
        List<String> duringInit = new ArrayList<>();
        TestModules.INIT.put("p", ctx -> {
            provide(f, ctx.module(), 0, "p");
            try {
                s.get();
            } catch (ModuleException e) {
                duringInit.add(e.errno().name());
            }
        });
        kernel.load(jars.module("p"), null);
        assertEquals(List.of("ENOENT"), duringInit);
        assertEquals("p", s.get());
    }

    @Test
    public void aBoundedWaitEndsWithTheFirstProviderOrEnoent() throws Exception {
        ServiceFollower f = follower(60_000);
        Supplier<String> s = proxy(f);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(s::get);
        Module p = kernel.load(jars.module("p"), null);
        provide(f, p, 0, "p");
        assertEquals("p", call.get(10, TimeUnit.SECONDS));

        Supplier<String> none = proxy(follower(50));
        long t0 = System.nanoTime();
        expect(Errno.ENOENT, none::get);
        assertTrue("waited its bound", System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    public void closingWakesAWaitingCallWithEnoent() throws Exception {
        ServiceFollower f = follower(60_000);
        Supplier<String> s = proxy(f);
        CompletableFuture<Errno> call = CompletableFuture.supplyAsync(() -> {
            try {
                s.get();
                return null;
            } catch (ModuleException e) {
                return e.errno();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!waiting(f) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        f.close();
        assertEquals(Errno.ENOENT, call.get(10, TimeUnit.SECONDS));
    }

    private static boolean waiting(ServiceFollower f) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getState() == Thread.State.TIMED_WAITING) {
                for (StackTraceElement e : t.getStackTrace()) {
                    if (e.getClassName().equals(ServiceFollower.class.getName())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** rmmod of one provider while another is LIVE: callers move over without one refusal. */
    @Test
    public void unloadingOneOfTwoProvidersRefusesNoCallAndDropsItsObject() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        Module b = kernel.load(jars.module("b"), null);
        ServiceFollower f = follower(0);
        Supplier<String> s = proxy(f);
        String answer = "a";
        Supplier<String> aTarget = () -> answer; // capturing: a fresh object, not a cached constant
        WeakReference<Object> aRef = new WeakReference<>(aTarget);
        f.added(1, 0, a.bundle(), aTarget);
        aTarget = null;
        provide(f, b, 0, "b");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong refused = new AtomicLong();
        AtomicLong toA = new AtomicLong();
        AtomicLong toB = new AtomicLong();
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            callers.add(CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    try {
                        (s.get().equals("a") ? toA : toB).incrementAndGet();
                    } catch (ModuleException e) {
                        refused.incrementAndGet();
                    }
                }
            }, executor));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (toA.get() < 1000 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        kernel.unload("a", null);
        long bBefore = toB.get();
        while (toB.get() < bBefore + 1000 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        stop.set(true);
        for (CompletableFuture<Void> c : callers) {
            c.get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, refused.get());
        assertTrue("calls went to a before and to b after", toA.get() >= 1000 && toB.get() >= bBefore + 1000);
        while (aRef.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull("the unloaded module's object is not kept", aRef.get());
        assertEquals("b", s.get());
    }
}
