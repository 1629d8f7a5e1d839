package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;

/** A kernel on an in-memory host, with jar writing and state snapshots for "no trace" checks. */
abstract class KernelTestBase {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    TestHost host;
    KernelLog log;
    ExecutorService executor;
    Kernel kernel;
    TestJars jars;

    @Before
    public void setUpKernel() {
        TestModules.reset();
        host = new TestHost();
        log = new KernelLog(1024);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-srcu");
            t.setDaemon(true);
            return t;
        });
        kernel = new Kernel(host, executor, log);
        jars = new TestJars(tmp.getRoot().toPath());
    }

    @After
    public void tearDownKernel() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        TestModules.reset();
    }

    /** What "the container's state" is for the no-trace checks: modules, states, refs, bundles. */
    String state() {
        List<String> rows = new ArrayList<>();
        for (Module m : kernel.modules()) {
            rows.add(m.name() + " " + m.state() + " " + m.refcount() + " " + m.holders() + " " + m.parameters());
        }
        return rows + " bundles=" + host.installedNames() + " taints=" + kernel.taints();
    }

    /** Runs {@code op} on a daemon thread of its own (never the common pool, which a hung op would starve). */
    static <T> CompletableFuture<T> async(String name, Callable<T> op) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(op.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The result of {@code f}, failing the test (not hanging it) after {@code seconds}. */
    static <T> T within(long seconds, CompletableFuture<T> f, String what) throws Exception {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no result after " + seconds + " s (hang)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw new AssertionError(what + " threw " + e.getCause(), e.getCause());
        }
    }

    /** The errno {@code f} failed with, within {@code seconds}; fails the test if it succeeded or hung. */
    static Errno errnoWithin(long seconds, CompletableFuture<?> f, String what) throws Exception {
        try {
            within(seconds, f, what);
        } catch (ModuleException e) {
            return e.errno();
        }
        throw new AssertionError(what + " succeeded");
    }

    /** Waits until {@code condition} holds, failing after {@code seconds}. */
    static void awaitTrue(long seconds, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000); // polls observable state
        }
    }

    /** Whether {@code t} is parked or blocked (waiting on something) or already done. */
    static boolean waitingOrDone(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED
                || s == Thread.State.TERMINATED;
    }

    static ModuleException expect(Errno errno, Runnable op) {
        try {
            op.run();
        } catch (ModuleException e) {
            assertEquals("errno of: " + e.getMessage(), errno, e.errno());
            return e;
        }
        fail("expected " + errno);
        return null;
    }
}
