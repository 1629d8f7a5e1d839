package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.ServiceReference;

/**
 * The deferred-free example ({@code call} + the implicit barrier): evicted entries are freed by
 * callbacks after a grace period; the module never calls barrier, and the container drains the
 * callbacks its exit queued before the module is freed.
 */
public class ExampleDeferredFreeIT extends KmodTestSupport {

    static final String FILTER = "(&(objectClass=" + Function.class.getName() + ")(kmod4j.example=deferred_free))";

    @Before
    public void clearLog() {
        container.clearDmesg();
    }

    @Test
    public void evictedEntriesAreFreedAfterAGracePeriodAndTheRestByTheImplicitBarrier() throws Exception {
        Examples.load(container, "deferred-free", "capacity", "2", "fill", "5");
        Examples.awaitDmesg(container, "deferred_free: freed ", 3);
        assertEquals(List.of("deferred_free: freed key-0 after a grace period",
                "deferred_free: freed key-1 after a grace period", "deferred_free: freed key-2 after a grace period"),
                Examples.dmesg(container, "deferred_free: freed "));

        ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(null, FILTER);
        assertNotNull("the lookup service", refs);
        @SuppressWarnings("unchecked")
        Function<String, String> lookup = (Function<String, String>) bundleContext.getService(refs[0]);
        assertEquals("value of key-4", lookup.apply("key-4"));
        assertEquals("value of extra", lookup.apply("extra")); // evicts key-3
        bundleContext.ungetService(refs[0]);
        Examples.awaitDmesg(container, "deferred_free: freed ", 4);

        container.unload("deferred_free", UnloadOptions.defaults());
        List<String> log = Examples.dmesg(container, "deferred_free: ");
        int exit = indexOf(log, "deferred_free: exit: queued the release of 2 entries and returned without waiting");
        int barrier = indexOf(log, "deferred_free: srcu barrier on domain cache:");
        assertTrue("exit, then the container's implicit barrier:\n" + String.join("\n", log), 0 <= exit && exit < barrier);
        List<String> freed = Examples.dmesg(container, "deferred_free: freed ");
        assertEquals("every entry was freed, before the barrier returned: " + log, 6, freed.size());
        assertTrue(log.indexOf(freed.get(5)) < barrier);
        assertTrue(freed.contains("deferred_free: freed key-4 after a grace period"));
        assertTrue(freed.contains("deferred_free: freed extra after a grace period"));
    }

    @Test
    public void readersNeverSeeAFreedEntry() throws Exception {
        Examples.load(container, "deferred-free", "capacity", "1", "fill", "0");
        ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(null, FILTER);
        @SuppressWarnings("unchecked")
        Function<String, String> lookup = (Function<String, String>) bundleContext.getService(refs[0]);
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder lookups = new LongAdder();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 2_000 && !stop.get(); i++) {
                    String key = "k" + (i % 4) + "-" + id; // capacity 1: nearly every lookup evicts
                    try {
                        if (!lookup.apply(key).equals("value of " + key)) {
                            errors.add(new AssertionError("wrong value for " + key));
                        }
                    } catch (Throwable e) {
                        errors.add(e); // "use after free" would come out here
                    }
                    lookups.increment();
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(20_000);
        }
        stop.set(true);
        bundleContext.ungetService(refs[0]);
        assertTrue("no reader saw a freed entry: " + errors, errors.isEmpty());
        assertTrue("lookups ran: " + lookups, lookups.sum() > 100);
        container.unload("deferred_free", UnloadOptions.defaults());
        assertEquals(1, Examples.dmesg(container, "deferred_free: srcu barrier on domain cache:").size());
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
