package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;

/** ModuleContainer.replace on the in-memory host: order, failure paths, refusals, and calls during it. */
public class ModuleReplaceTest extends KernelTestBase {

    @Test
    public void theNewInstanceTakesTheNameThenTheOldOneUnloads() throws Exception {
        Module old = kernel.load(jars.module("m"), null);
        List<String> events = new CopyOnWriteArrayList<>();
        kernel.notifiers().register((event, mod) -> events.add(event + " " + mod.version()), 0);
        TestModules.EXIT.put("m", ctx -> events.add("exit " + ctx.module().version()));
        TestModules.INIT.put("m", ctx -> events.add("init " + ctx.module().version()
                + " name->" + kernel.find("m").get().version()));
        Module mod = kernel.replace(jars.module("m", "Bundle-Version", "2.0.0"), null);

        assertNotSame(old, mod);
        assertSame(mod, kernel.find("m").get());
        assertEquals(ModuleState.LIVE, mod.state());
        assertEquals(ModuleState.GOING, old.state());
        assertEquals("the old instance keeps the name through the new one's init; notifiers see new COMING/LIVE, then old GOING",
                List.of("COMING 2.0.0", "init 2.0.0 name->1.0.0", "LIVE 2.0.0", "exit 1.0.0", "GOING 1.0.0"), events);
        assertEquals(1, kernel.modules().size());
        assertEquals(1, host.installed.size());
        assertTrue(log.entries().toString().contains("m: replaced 1.0.0 by 2.0.0"));
        List<ModuleEvent> typed = kernel.events(0).stream()
                .filter(e -> e.module().equals(java.util.Optional.of("m")) && e.level() != ModuleEvent.Level.DEBUG)
                .toList();
        assertEquals("the load, then one REPLACE (no LOAD or UNLOAD of the name for the replace)",
                List.of(ModuleEvent.Type.LOAD, ModuleEvent.Type.REPLACE), typed.stream().map(ModuleEvent::type).toList());
        assertTrue("the replace's duration: start to the new instance LIVE", typed.get(1).duration().toNanos() > 0);
    }

    @Test
    public void aFailedInitLeavesTheOldInstanceLiveAndUntouched() throws Exception {
        Module old = kernel.load(jars.module("m"), null);
        TestModules.INIT.put("m", ctx -> {
            throw new ModuleException(Errno.ENODEV, "no device");
        });
        String before = state();
        ModuleException e = expect(Errno.ENODEV, () -> replace(jars, "m", "2.0.0"));
        assertTrue(e.getMessage(), e.getMessage().contains("init failed"));
        assertEquals(before, state());
        assertSame(old, kernel.find("m").get());
        assertEquals(ModuleState.LIVE, old.state());
        assertFalse("the old exit did not run", TestModules.CALLS.contains("exit m"));
        old.enter().close(); // still serving
    }

    @Test
    public void aComingVetoLeavesTheOldInstanceLiveAndUntouched() throws Exception {
        Module old = kernel.load(jars.module("m"), null);
        kernel.notifiers().register((event, mod) -> {
            if (event == ModuleState.COMING && mod != old) {
                throw new ModuleException(Errno.EPERM, "not this one");
            }
        }, 0);
        String before = state();
        expect(Errno.EPERM, () -> replace(jars, "m", "2.0.0"));
        assertEquals(before, state());
        assertSame(old, kernel.find("m").get());
        assertEquals(List.of("init m"), TestModules.CALLS);
    }

    @Test
    public void aModuleWiredToTheOldInstanceRefusesTheReplaceAsRmmodWould() throws Exception {
        kernel.load(jars.module("a"), null);
        kernel.load(jars.module("b", "X-Test-Uses", "a"), null);
        String before = state();
        ModuleException e = expect(Errno.EWOULDBLOCK, () -> replace(jars, "a", "2.0.0"));
        assertEquals("Module a is in use by: b", e.getMessage());
        assertEquals(before, state());
        assertEquals("nothing of the new instance ran", List.of("init a", "init b"), TestModules.CALLS);
    }

    @Test
    public void nothingToReplaceIsEnoent() throws Exception {
        expect(Errno.ENOENT, () -> replace(jars, "m", "2.0.0"));
        assertTrue(kernel.modules().isEmpty());
        assertTrue(host.installed.isEmpty());
    }

    @Test
    public void aPlainLoadOfTheNameDuringAReplaceIsEexist() throws Exception {
        kernel.load(jars.module("m"), null);
        List<Errno> seen = new ArrayList<>();
        TestModules.INIT.put("m", ctx -> seen.add(expect(Errno.EEXIST, () -> replace(jars, "m", null)).errno()));
        replace(jars, "m", "2.0.0");
        assertEquals(List.of(Errno.EEXIST), seen);
    }

    /**
     * No load/unload exclusion any more: an rmmod of the name while its replace runs (here from
     * the new init) finds the old instance being replaced and is refused EBUSY; the replace goes on.
     */
    @Test
    public void rmmodDuringAReplaceIsEbusyAndTheReplaceCompletes() throws Exception {
        Module old = kernel.load(jars.module("m"), null);
        List<ModuleException> seen = new ArrayList<>();
        TestModules.INIT.put("m", ctx -> seen.add(expect(Errno.EBUSY, () -> kernel.unload("m", null))));
        Module mod = replace(jars, "m", "2.0.0");
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).getMessage(), seen.get(0).getMessage().contains("being replaced"));
        assertSame(mod, kernel.find("m").get());
        assertEquals(ModuleState.LIVE, mod.state());
        assertEquals(ModuleState.GOING, old.state());
        assertEquals(1, kernel.modules().size());
    }

    /**
     * A replace from inside a read section of the old instance would wait for itself in the old
     * one's grace period: EDEADLK before anything changes (run on a thread of its own, so a
     * regression fails on the bounded get instead of hanging the suite).
     */
    @Test
    public void aReplaceFromInsideTheOldInstancesReadSectionIsEdeadlk() throws Exception {
        Module old = kernel.load(jars.module("m"), null);
        String before = state();
        Errno errno = CompletableFuture.supplyAsync(() -> {
            try (org.kmod4j.api.ModuleGuard g = old.enter()) {
                return expect(Errno.EDEADLK, () -> replace(jars, "m", "2.0.0")).errno();
            }
        }).get(10, TimeUnit.SECONDS);
        assertEquals(Errno.EDEADLK, errno);
        assertEquals(before, state());
        assertSame(old, kernel.find("m").get());
        assertEquals("nothing of the new instance ran", List.of("init m"), TestModules.CALLS);
    }

    /** A plain load from inside the new init: EEXIST, the name is the old instance's until the switch. */
    private Module replace(TestJars jars, String name, String version) {
        try {
            return version == null ? kernel.load(jars.module(name), null)
                    : kernel.replace(jars.module(name, "Bundle-Version", version), null);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * 4 callers through one following proxy while the provider is replaced 100 times: every call
     * answered by the old or the new instance, none refused, every old instance freed.
     */
    @Test
    public void callsThroughAFollowingProxyAreNeverRefusedAcrossReplaces() throws Exception {
        ServiceFollower follower = new ServiceFollower(kernel, "Supplier", 0);
        @SuppressWarnings("unchecked")
        Supplier<String> proxy = GuardedProxyClasses.newProxy(Supplier.class, follower);
        AtomicLong ids = new AtomicLong();
        TestModules.INIT.put("p", ctx -> {
            String version = ctx.module().version();
            follower.added(ids.incrementAndGet(), 0, ctx.module().bundle(), (Supplier<String>) () -> version);
        });
        kernel.load(jars.module("p", "Bundle-Version", "0.0.0"), null);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            callers.add(CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    try {
                        String v = proxy.get();
                        if (v == null || !v.endsWith(".0.0")) {
                            failed.incrementAndGet();
                        }
                        calls.incrementAndGet();
                    } catch (ModuleException e) {
                        refused.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            }, executor));
        }
        List<WeakReference<ClassLoader>> oldLoaders = new ArrayList<>();
        AtomicInteger cycles = new AtomicInteger();
        try {
            for (int i = 1; i <= 100; i++) {
                Module old = kernel.find("p").get();
                oldLoaders.add(new WeakReference<>(((KernelModule) old).classLoader()));
                long before = calls.get();
                Module mod = kernel.replace(jars.module("p", "Bundle-Version", i + ".0.0"), null);
                assertEquals(ModuleState.GOING, old.state());
                assertEquals(i + ".0.0", mod.version());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (calls.get() < before + 10 && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // let calls run between two replaces
                }
                cycles.incrementAndGet();
            }
        } finally {
            stop.set(true);
            for (CompletableFuture<Void> c : callers) {
                c.get(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(100, cycles.get());
        assertEquals("calls refused", 0, refused.get());
        assertEquals("calls failed", 0, failed.get());
        assertEquals("100.0.0", proxy.get());
        assertEquals(1, host.installed.size());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (oldLoaders.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        for (WeakReference<ClassLoader> r : oldLoaders) {
            assertNull("every old instance's loader was collected", r.get());
        }
    }

    /**
     * A model test of the binding switch: a proxy call is two steps (choose a binding; lock it,
     * choosing again if its module left LIVE, then call). Each step is run at each point of a
     * replace (before; during the new init; after the switch, in a LIVE notifier; during the old
     * exit, after its GOING and grace period; after), in every order: the call always lands on
     * the old or the new instance, never on neither, and on the new one once the old is GOING.
     */
    @Test
    public void everyInterleavingOfACallWithTheSwitchSeesOldOrNew() throws Exception {
        String[] points = {"before", "new init", "new LIVE", "old exit", "after"};
        java.util.Map<String, Runnable> at = new java.util.concurrent.ConcurrentHashMap<>();
        TestModules.EXIT.put("p", ctx -> {
            if (ctx.module().version().equals("1.0.0")) {
                at.getOrDefault("old exit", () -> { }).run();
            }
        });
        kernel.notifiers().register((event, mod) -> {
            if (event == ModuleState.LIVE && mod.version().equals("2.0.0")) {
                at.getOrDefault("new LIVE", () -> { }).run();
            }
        }, 0);
        int scenarios = 0;
        for (int x = 0; x < points.length; x++) {
            for (int y = x; y < points.length; y++) {
                Module old = kernel.load(jars.module("p"), null);
                ServiceFollower follower = new ServiceFollower(kernel, "Supplier", 0);
                follower.added(1, 0, old.bundle(), (Supplier<String>) () -> "old");
                // the new instance registers its service in its init, as a module does
                TestModules.INIT.put("p", ctx -> {
                    if (ctx.module().version().equals("2.0.0")) {
                        follower.added(2, 0, ctx.module().bundle(), (Supplier<String>) () -> "new");
                        at.getOrDefault("new init", () -> { }).run();
                    }
                });
                ServiceBinding[] chosen = new ServiceBinding[1];
                String[] answer = new String[1];
                Runnable choose = () -> chosen[0] = follower.binding();
                Runnable call = () -> {
                    ServiceBinding b = chosen[0];
                    org.kmod4j.core.srcu.SrcuLane lane = b.lock();
                    while (lane == null) { // the generated proxy's loop
                        b = follower.binding();
                        lane = b.lock();
                    }
                    try {
                        @SuppressWarnings("unchecked")
                        Supplier<String> target = (Supplier<String>) b.target;
                        answer[0] = target.get();
                    } finally {
                        lane.unlock();
                    }
                };
                at.clear();
                String px = points[x];
                String py = points[y];
                if (x == y) {
                    at.put(px, () -> {
                        choose.run();
                        call.run();
                    });
                } else {
                    at.put(px, choose);
                    at.put(py, call);
                }
                at.getOrDefault("before", () -> { }).run();
                kernel.replace(jars.module("p", "Bundle-Version", "2.0.0"), null);
                at.getOrDefault("after", () -> { }).run();
                String expected = y <= 1 ? "old" : y >= 3 ? "new" : null;
                assertTrue(px + " / " + py + ": " + answer[0], answer[0] != null);
                if (expected != null) {
                    assertEquals(px + " / " + py, expected, answer[0]);
                }
                follower.close();
                kernel.unload("p", null);
                scenarios++;
            }
        }
        assertEquals(15, scenarios);
    }
}
