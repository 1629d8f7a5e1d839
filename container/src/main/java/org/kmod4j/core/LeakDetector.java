package org.kmod4j.core;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.ModuleEvent;

/**
 * Reports unloaded modules whose class loader is still reachable: the classic hot-redeploy leak
 * (a static ThreadLocal, a registered listener, a thread left running). Off the hot path: a
 * check runs on its own daemon thread some time after the unload, asks for one GC if the loader
 * is still there, and only then reports "module X unloaded but still referenced" (taint W).
 */
public final class LeakDetector implements AutoCloseable {
    /** Framework property: milliseconds after an unload before the check; 0 disables it. */
    public static final String DELAY = "kmod4j.leakcheck.delay.ms";
    public static final long DEFAULT_DELAY_MILLIS = 10_000;

    private final Kernel kernel;
    private final long delayMillis;
    private final ScheduledExecutorService timer;
    private final List<String> leaked = new ArrayList<>();

    LeakDetector(Kernel kernel, long delayMillis) {
        this.kernel = kernel;
        this.delayMillis = delayMillis;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "kmod4j-leakcheck");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /** Called when a module has been freed. */
    void track(String name, ClassLoader loader) {
        if (delayMillis <= 0 || loader == null) {
            return;
        }
        WeakReference<ClassLoader> ref = new WeakReference<>(loader);
        timer.schedule(() -> check(name, ref), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void check(String name, WeakReference<ClassLoader> ref) {
        if (ref.get() == null) {
            return;
        }
        System.gc();
        if (ref.get() != null) {
            synchronized (leaked) {
                leaked.add(name);
            }
            kernel.taint(new KernelEvent.Draft(ModuleEvent.Type.LEAK, ModuleEvent.Level.WARNING,
                    "kmod4j: module " + name + " unloaded but still referenced (its class loader is reachable)").module(name));
        }
    }

    /** Names reported so far, oldest first. */
    public List<String> leaked() {
        synchronized (leaked) {
            return new ArrayList<>(leaked);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
