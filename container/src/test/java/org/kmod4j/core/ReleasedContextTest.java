package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;

/**
 * After an init timeout the abandoned init thread's context refuses everything,
 * and the thread still counts as that load for the deadlock checks.
 */
public class ReleasedContextTest extends KernelTestBase {

    @Test
    public void anAbandonedInitCanNoLongerUseItsContext() throws Exception {
        kernel.load(jars.module("other"), null);
        Path later = jars.module("later");
        kernel.initTimeout(200);
        CountDownLatch timedOut = new CountDownLatch(1);
        CountDownLatch tried = new CountDownLatch(1);
        Map<String, String> outcome = new ConcurrentHashMap<>();
        List<String> notified = new CopyOnWriteArrayList<>();
        TestModules.INIT.put("slow", ctx -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (timedOut.getCount() > 0 && System.nanoTime() < deadline) {
                try {
                    timedOut.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // a stuck init that ignores the interrupt it gets when abandoned
                }
            }
            attempt(outcome, "registerNotifier", () -> ctx.registerNotifier((event, m) -> notified.add(event + " " + m.name()), 0));
            attempt(outcome, "reference", () -> ctx.reference("other"));
            attempt(outcome, "container().load", () -> ctx.container().load(later, null));
            attempt(outcome, "container().requestModule", () -> ctx.container().requestModule("other"));
            attempt(outcome, "domain", () -> ctx.domain("fresh"));
            tried.countDown();
        });
        assertEquals(Errno.ETIMEDOUT, errnoWithin(5, async("insmod", () -> kernel.load(jars.module("slow"), null)), "the load"));
        timedOut.countDown();
        assertTrue(tried.await(5, TimeUnit.SECONDS));
        for (String op : List.of("registerNotifier", "reference", "container().load", "container().requestModule", "domain")) {
            assertTrue(op + " refused after release: " + outcome, outcome.getOrDefault(op, "").startsWith("refused"));
        }
        assertFalse(kernel.find("later").isPresent());
        kernel.initTimeout(0);
        kernel.load(jars.module("third"), null);
        assertEquals("a notifier registered after release never fires", List.of(), notified);
        kernel.unload("other", null); // no reference pins it
        assertTrue(kernel.modules().stream().allMatch(m -> m.state() == ModuleState.LIVE));
    }

    private static void attempt(Map<String, String> outcome, String op, ThrowingRunnable r) {
        try {
            r.run();
            outcome.put(op, "allowed");
        } catch (ModuleException e) {
            outcome.put(op, "refused " + e.errno());
        } catch (Throwable t) {
            outcome.put(op, "threw " + t);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** An init on its own (bounded) thread that loads its own name waits on itself: EDEADLK at once. */
    @Test
    public void aBoundedInitThatLoadsItsOwnNameGetsEdeadlkNotEtimedout() throws Exception {
        kernel.initTimeout(10_000);
        Path copy = jars.module("m", "Bundle-Version", "2.0");
        Errno[] seen = new Errno[1];
        TestModules.INIT.put("m", ctx -> {
            try {
                ctx.container().load(copy, null);
            } catch (ModuleException e) {
                seen[0] = e.errno();
                throw e;
            }
        });
        long start = System.nanoTime();
        CompletableFuture<Object> load = async("insmod", () -> kernel.load(jars.module("m"), null));
        assertEquals(Errno.EDEADLK, errnoWithin(15, load, "the load"));
        assertEquals(Errno.EDEADLK, seen[0]);
        assertTrue("at once, not after the init timeout", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5_000);
    }

    /** A context is valid from COMING until the module is freed, and refuses afterwards. */
    @Test
    public void aContextKeptPastUnloadRefuses() throws Exception {
        ModuleContext[] kept = new ModuleContext[1];
        TestModules.INIT.put("m", ctx -> kept[0] = ctx);
        kernel.load(jars.module("m"), null);
        kernel.load(jars.module("other"), null);
        kernel.unload("m", null);
        expect(Errno.ENODEV, () -> kept[0].reference("other"));
        expect(Errno.ENODEV, () -> kept[0].registerNotifier((e, mod) -> { }, 0));
        expect(Errno.ENODEV, () -> kept[0].container().unload("other", null));
        assertTrue(kernel.find("other").isPresent());
    }
}
