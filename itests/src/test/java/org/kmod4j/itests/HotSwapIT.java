package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Guarded;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Hot swap under load: {@value #THREADS} threads call tm_greeter's {@code Function<String,String>}
 * service as fast as they can while this thread unloads and loads tm_greeter {@value #CYCLES}
 * times. tm_greeter answers {@code "ERROR: called after exit"} to a call that ran (partly) after
 * its exit, so a call into a module being torn down is visible.
 *
 * <p>Through {@link Guarded#service}: zero erroneous calls (a ModuleException ENOENT/EBUSY from
 * the guard, or no service to call, means "not available", which is fine). Through a plain
 * ServiceTracker: the number of erroneous calls is printed for comparison, not asserted.
 */
public class HotSwapIT extends KmodTestSupport {

    static final int THREADS = 4;
    static final int CYCLES = 100;
    /** Calls one caller makes with one service object before it looks the service up again. */
    static final int BATCH = 1_000;
    static final String NAME = "tm_greeter";
    static final String FILTER = "(&(objectClass=" + Function.class.getName() + ")(kmod4j.testmodule=" + NAME + "))";
    static final String ERROR_MARKER = "ERROR: called after exit";
    static final String GREETING = "hello caller from " + NAME;

    /** What the callers saw. */
    static final class Stats {
        final LongAdder ok = new LongAdder();
        final LongAdder notAvailable = new LongAdder();
        final LongAdder errorMarker = new LongAdder();
        final LongAdder wrongResult = new LongAdder();
        final LongAdder threw = new LongAdder();
        final LongAdder lookupFailures = new LongAdder();
        final Map<String, LongAdder> thrownByClass = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();

        void result(String r) {
            if (GREETING.equals(r)) {
                ok.increment();
            } else if (ERROR_MARKER.equals(r)) {
                errorMarker.increment();
                sample("returned the error marker");
            } else {
                wrongResult.increment();
                sample("returned [" + r + "]");
            }
        }

        void threw(Throwable t) {
            threw.increment();
            thrownByClass.computeIfAbsent(t.getClass().getName(), k -> new LongAdder()).increment();
            sample("threw " + t);
        }

        void sample(String what) {
            if (samples.size() < 10) {
                samples.add(what);
            }
        }

        long erroneous() {
            return errorMarker.sum() + wrongResult.sum() + threw.sum();
        }

        long calls() {
            return ok.sum() + erroneous();
        }

        @Override
        public String toString() {
            Map<String, Long> thrown = new TreeMap<>();
            thrownByClass.forEach((k, v) -> thrown.put(k, v.sum()));
            return "calls=" + calls() + " ok=" + ok.sum() + " erroneous=" + erroneous() + " (error marker="
                    + errorMarker.sum() + ", wrong result=" + wrongResult.sum() + ", threw=" + threw.sum() + " " + thrown
                    + ") notAvailable=" + notAvailable.sum() + " lookupFailures=" + lookupFailures.sum()
                    + " samples=" + samples;
        }
    }

    /** One caller's attempt: look the service up, call it up to {@link #BATCH} times. */
    interface Attempt {
        void run(Stats stats, AtomicBoolean stop) throws Exception;
    }

    @Test
    public void guardedCallsNeverRunIntoAModuleBeingSwapped() throws Exception {
        Stats stats = swapUnderLoad("guarded", (s, stop) -> {
            Optional<Module> found = container.find(NAME);
            if (found.isEmpty()) {
                s.notAvailable.increment();
                return;
            }
            Module module = found.get();
            ServiceReference<?> ref = serviceOf(module);
            if (ref == null) {
                s.notAvailable.increment();
                return;
            }
            Object service = bundleContext.getService(ref);
            if (service == null) {
                s.notAvailable.increment();
                return;
            }
            try {
                @SuppressWarnings("unchecked")
                Function<String, String> greeter = Guarded.service(module, Function.class, (Function<String, String>) service);
                for (int i = 0; i < BATCH && !stop.get(); i++) {
                    String r;
                    try {
                        r = greeter.apply("caller");
                    } catch (ModuleException e) {
                        if (e.errno() == Errno.ENOENT || e.errno() == Errno.EBUSY) {
                            s.notAvailable.increment(); // the guard refused: this generation is going (or not yet live)
                        } else {
                            s.threw(e);
                        }
                        return;
                    } catch (Throwable t) {
                        s.threw(t);
                        return;
                    }
                    s.result(r);
                }
            } finally {
                bundleContext.ungetService(ref);
            }
        });
        System.out.println("HotSwapIT guarded (Guarded.service): " + stats);
        assertEquals("erroneous guarded calls: " + stats, 0, stats.erroneous());
        assertTrue("no successful guarded call: " + stats, stats.ok.sum() > 0);
    }

    @Test
    public void plainServiceTrackerForComparison() throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(bundleContext, bundleContext.createFilter(FILTER), null);
        tracker.open();
        Stats stats;
        try {
            stats = swapUnderLoad("plain", (s, stop) -> {
                Object service = tracker.getService();
                if (service == null) {
                    s.notAvailable.increment();
                    return;
                }
                @SuppressWarnings("unchecked")
                Function<String, String> greeter = (Function<String, String>) service;
                for (int i = 0; i < BATCH && !stop.get(); i++) {
                    String r;
                    try {
                        r = greeter.apply("caller");
                    } catch (Throwable t) {
                        s.threw(t);
                        return;
                    }
                    s.result(r);
                    if (ERROR_MARKER.equals(r)) {
                        return;
                    }
                }
            });
        } finally {
            tracker.close();
        }
        System.out.println("HotSwapIT plain ServiceTracker (no guard): " + stats);
        // information only: how many calls ran into a module being torn down without the guard
        assertTrue("the scenario ran: " + stats, stats.calls() > 0);
    }

    /** The first frames of a stack trace, for the printed samples. */
    static String frames(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return Arrays.toString(Arrays.copyOf(trace, Math.min(4, trace.length)));
    }

    /** The service the module's current bundle registered, or null. */
    private ServiceReference<?> serviceOf(Module module) throws Exception {
        ServiceReference<?>[] refs = bundleContext.getServiceReferences(Function.class.getName(), "(kmod4j.testmodule=" + NAME + ")");
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                if (module.bundle().equals(ref.getBundle())) {
                    return ref;
                }
            }
        }
        return null;
    }

    /** Starts the callers, swaps tm_greeter {@link #CYCLES} times, stops the callers. */
    private Stats swapUnderLoad(String label, Attempt attempt) throws Exception {
        Path jar = KmodOptions.jar("tm-greeter");
        Stats stats = new Stats();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> died = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread caller = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        attempt.run(stats, stop);
                    } catch (Throwable e) {
                        // the lookup (framework or container API) failed, not a call into the module
                        stats.lookupFailures.increment();
                        stats.sample("lookup failed: " + e + " at " + frames(e));
                    }
                    Thread.yield(); // 4 spinning callers on a 2-core machine must not starve the swapping thread
                }
            }, "itest-caller-" + label + "-" + t);
            caller.setDaemon(true);
            caller.setUncaughtExceptionHandler((th, e) -> died.add(e));
            callers.add(caller);
        }
        callers.forEach(Thread::start);
        long start = System.nanoTime();
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                long okBefore = stats.ok.sum();
                container.load(jar, LoadOptions.defaults());
                // let the callers reach this generation (at most 100 ms) so that the unload meets
                // calls in flight; nothing is asserted about how long that takes
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                while (stats.ok.sum() == okBefore && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                container.unload(NAME, UnloadOptions.defaults());
            }
        } finally {
            stop.set(true);
            for (Thread caller : callers) {
                caller.join(30_000);
            }
        }
        System.out.println("HotSwapIT " + label + ": " + CYCLES + " swaps under " + THREADS + " callers in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        for (Thread caller : callers) {
            assertTrue(caller.getName() + " did not stop", !caller.isAlive());
        }
        assertTrue("callers died: " + died, died.isEmpty());
        assertTrue(container.find(NAME).isEmpty());
        assertTrue(Kmod.servicesOf(bundleContext, NAME).isEmpty());
        return stats;
    }
}
