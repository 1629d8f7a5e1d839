package org.kmod4j.core.srcu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;

/**
 * Self-waits on a domain are EDEADLK at once, never a hang: a thread
 * inside a read-side section calls synchronize() or barrier() on the same domain; a callback
 * calls barrier(); call() when the executor rejects the worker. Every body runs on a pool thread
 * with a bounded wait, so on code that waits for itself the test fails instead of hanging.
 */
public class SrcuSelfWaitTest {
    private final ExecutorService pool = DaemonPool.create("srcu-selfwait-test");

    @After
    public void stopPool() {
        pool.shutdownNow();
    }

    private SrcuStruct domain() {
        return new SrcuStruct("test", "selfwait", pool, new KernelLog(256), new TaintFlags());
    }

    /** Runs {@code body} on a pool thread; fails if it does not return within 10 s. */
    private <T> T bounded(String what, Callable<T> body) throws Exception {
        Future<T> f = pool.submit(body);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError(what + ": still waiting after 10 s (a self-wait)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static void assertDeadlk(Runnable r) {
        try {
            r.run();
            fail("expected EDEADLK");
        } catch (ModuleException e) {
            assertEquals(Errno.EDEADLK, e.errno());
        }
    }

    @Test
    public void synchronizeInsideItsOwnSectionIsEdeadlkAndLeavesTheDomainUsable() throws Exception {
        SrcuStruct d = domain();
        bounded("synchronize inside a raw read section", () -> {
            int token = d.readLock();
            assertTrue(d.inReadSection());
            assertDeadlk(d::synchronize);
            d.readUnlock(token);
            assertFalse(d.inReadSection());
            d.synchronize(); // the refusal changed nothing
            return null;
        });
        assertEquals(1, d.gracePeriods());
    }

    @Test
    public void synchronizeAndBarrierInsideANestedGuardAreEdeadlkUntilTheOuterOneCloses() throws Exception {
        SrcuStruct d = domain();
        bounded("synchronize/barrier inside a guard", () -> {
            CountDownLatch ran = new CountDownLatch(1);
            try (SrcuDomain.Guard outer = d.enter()) {
                try (SrcuDomain.Guard inner = d.enter()) {
                    d.call(ran::countDown); // pending: a barrier here would wait for this very reader
                    assertDeadlk(d::barrier);
                }
                assertTrue("still inside the outer section", d.inReadSection());
                assertDeadlk(d::synchronize);
                assertDeadlk(d::barrier);
            }
            d.barrier();
            assertEquals(0, ran.getCount());
            d.synchronize();
            return null;
        });
    }

    @Test
    public void aSectionClosedOnAnotherThreadNoLongerCountsAsTheOpeners() throws Exception {
        SrcuStruct d = domain();
        bounded("synchronize after a handed-off section was closed", () -> {
            int token = d.readLock();
            SrcuDomain.Guard g = d.enter();
            Thread closer = new Thread(() -> {
                d.readUnlock(token);
                g.close();
            });
            closer.start();
            closer.join(10_000);
            assertFalse(closer.isAlive());
            assertFalse(d.inReadSection());
            d.synchronize();
            return null;
        });
        assertFalse("another thread was never inside", d.inReadSection());
    }

    @Test
    public void barrierFromTheDomainsOwnCallbackIsEdeadlk() throws Exception {
        SrcuStruct d = domain();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        d.call(() -> {
            try {
                d.barrier();
            } catch (Throwable t) {
                seen.set(t);
            } finally {
                ran.countDown();
            }
        });
        assertTrue("the callback's barrier waits for the callback itself", ran.await(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(seen.get()), seen.get() instanceof ModuleException);
        assertEquals(Errno.EDEADLK, ((ModuleException) seen.get()).errno());
        bounded("barrier after the callback", () -> {
            d.barrier();
            return null;
        });
        assertEquals(0, d.callbacksPending());
    }

    /**
     * The container's executor is stopping and rejects the worker: call() from inside a read
     * section must not run the worker's grace period on the caller's thread (it would wait for
     * the caller's own section forever); the callback runs once the section ends.
     */
    @Test
    public void callFromAReadSectionWhenTheExecutorRejectsDoesNotWaitForItself() throws Exception {
        SrcuStruct d = new SrcuStruct("rejecting", "selfwait", r -> {
            throw new RejectedExecutionException("stopping");
        }, new KernelLog(256), new TaintFlags());
        CountDownLatch ran = new CountDownLatch(1);
        bounded("call() inside a read section with a rejecting executor", () -> {
            try (SrcuDomain.Guard g = d.enter()) {
                d.call(ran::countDown);
                assertEquals("not run while its pre-existing reader is inside", 1, ran.getCount());
            }
            return null;
        });
        assertTrue("the callback never ran", ran.await(10, TimeUnit.SECONDS));
    }
}
