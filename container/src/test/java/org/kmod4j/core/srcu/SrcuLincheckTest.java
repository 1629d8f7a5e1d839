package org.kmod4j.core.srcu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jetbrains.lincheck.Lincheck;
import org.junit.After;
import org.junit.Test;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;

/**
 * The SRCU reader/updater race, {@link SrcuStruct}.
 *
 * <p>The Lincheck tests run small multi-thread programs under Lincheck's model checker
 * ({@link Lincheck#runConcurrentTest}), which explores thread interleavings of the real
 * SrcuStruct code (thread-local cells, index flip, both scans, the callback worker) and fails on
 * the first interleaving that breaks the asserted property. The model checker explores
 * sequentially consistent executions, so it proves the protocol (SCAN1, flip, SCAN2, the
 * idle check), not the fences: a missing fence is only visible to a weak-memory tool.
 *
 * <p>The JUnit tests with latches pin the same properties on real threads, deterministically:
 * a reader is parked inside its section while an updater runs.
 */
public class SrcuLincheckTest {

    private static final int INVOCATIONS = Integer.getInteger("kmod4j.lincheck.invocations", 300);

    private final ExecutorService pool = DaemonPool.create("srcu-test");

    @After
    public void stopPool() {
        pool.shutdownNow();
    }

    private static SrcuStruct domain(java.util.concurrent.Executor executor) {
        return new SrcuStruct("test", "lincheck", executor, new KernelLog(1024), new TaintFlags());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ model checking

    /**
     * A reader that is inside when synchronize() starts is waited for: if the updater saw the
     * reader inside before calling synchronize, it sees it gone afterwards.
     */
    @Test
    public void synchronizeWaitsForAReaderThatWasInside() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            SrcuStruct d = domain(Runnable::run);
            AtomicInteger phase = new AtomicInteger(); // 0 not yet, 1 inside, 2 left
            Thread reader = new Thread(() -> {
                int idx = d.readLock();
                phase.set(1);
                phase.set(2);
                d.readUnlock(idx);
            });
            reader.start();
            int before = phase.get();
            d.synchronize();
            int after = phase.get();
            join(reader);
            check(before != 1 || after == 2, "synchronize returned while a reader that was inside at its start is still inside");
        });
    }

    /**
     * RCU pointer publication with two grace periods in a row, so a reader that sampled the
     * index before one flip and counted itself after that grace period is in flight during the
     * next one (what SCAN1 exists for). The updater frees each old object after a grace period;
     * no reader may see a freed object.
     */
    @Test
    public void noReaderSeesAnObjectFreedAfterAGracePeriod() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            SrcuStruct d = domain(Runnable::run);
            AtomicReference<Box> ptr = new AtomicReference<>(new Box());
            AtomicBoolean sawFreed = new AtomicBoolean(); // checked on the main thread
            Thread reader = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    int idx = d.readLock();
                    Box b = ptr.get();
                    if (b.freed) {
                        sawFreed.set(true);
                    }
                    d.readUnlock(idx);
                }
            });
            reader.start();
            for (int i = 0; i < 2; i++) {
                Box old = ptr.getAndSet(new Box());
                d.synchronize();
                old.freed = true;
            }
            join(reader);
            check(!sawFreed.get(), "a reader saw an object freed after a grace period");
        });
    }

    /** The same with the grace period from a nested reader that unlocks on another thread. */
    @Test
    public void aSectionHandedToAnotherThreadIsWaitedFor() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            SrcuStruct d = domain(Runnable::run);
            AtomicInteger phase = new AtomicInteger();
            SrcuDomain.Guard[] handed = new SrcuDomain.Guard[1];
            Thread opener = new Thread(() -> {
                handed[0] = d.enter();
                phase.set(1);
            });
            opener.start();
            join(opener); // the section stays open after its thread is gone
            Thread closer = new Thread(() -> {
                phase.set(2);
                handed[0].close(); // counted in this thread's cell
            });
            closer.start();
            d.synchronize();
            int after = phase.get();
            join(closer);
            check(after == 2, "synchronize returned while a section opened before it was open");
        });
    }

    /** A call() callback runs only after every reader that was inside at call time left. */
    @Test
    public void aCallbackNeverRunsBeforeAPreExistingReaderLeaves() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            SrcuStruct d = domain(Runnable::run); // call() runs the worker inline: fewer threads to explore
            AtomicInteger phase = new AtomicInteger();
            AtomicBoolean violated = new AtomicBoolean();
            AtomicInteger runs = new AtomicInteger();
            Thread reader = new Thread(() -> {
                int idx = d.readLock();
                phase.set(1);
                phase.set(2);
                d.readUnlock(idx);
            });
            reader.start();
            boolean wasInside = phase.get() == 1;
            d.call(() -> {
                runs.incrementAndGet();
                if (wasInside && phase.get() != 2) {
                    violated.set(true);
                }
            });
            d.barrier();
            check(runs.get() == 1, "barrier returned before the callback ran (runs=" + runs.get() + ")");
            join(reader);
            check(!violated.get(), "a callback ran while a reader that was inside at call() was still inside");
        });
    }

    /**
     * A reader on a cell taken over from a dead thread is waited for
     * like any other: the counts the dead thread left and the new owner's add up.
     */
    @Test
    public void aReaderOnAReclaimedCellIsWaitedFor() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            SrcuStruct d = domain(Runnable::run);
            Thread dead = new Thread(() -> d.enter().close());
            dead.start();
            join(dead);
            AtomicInteger phase = new AtomicInteger();
            Thread reader = new Thread(() -> {
                int token = d.readLock(); // takes over the dead thread's cell
                phase.set(1);
                phase.set(2);
                d.readUnlock(token);
            });
            reader.start();
            int before = phase.get();
            d.synchronize();
            int after = phase.get();
            join(reader);
            check(before != 1 || after == 2, "synchronize returned while a reader on a reclaimed cell was inside");
            check(d.cellCount() == 1, "a dead thread's cell was not reused: " + d.cellCount() + " cells");
        });
    }

    /**
     * Guard vs unload on a small model of KernelModule: enter = readLock, then the LIVE check;
     * unload = state GOING, synchronize, then free. A guard that passed the LIVE check never
     * observes "freed".
     */
    @Test
    public void anEnteredGuardNeverObservesTheModuleFreed() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            MiniModule m = new MiniModule(domain(Runnable::run));
            AtomicBoolean sawFreed = new AtomicBoolean(); // checked on the main thread
            Thread user = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    int idx = m.enter();
                    if (idx < 0) {
                        return;
                    }
                    if (m.freed) {
                        sawFreed.set(true);
                    }
                    m.exit(idx);
                }
            });
            user.start();
            m.unload();
            join(user);
            check(!sawFreed.get(), "a guard that passed the LIVE check saw the module freed");
        });
    }

    /** KernelModule.enter/unload reduced to the SRCU part. */
    static final class MiniModule {
        static final int LIVE = 0;
        static final int GOING = 1;
        final SrcuStruct domain;
        volatile int state = LIVE;
        volatile boolean freed;

        MiniModule(SrcuStruct domain) {
            this.domain = domain;
        }

        /** @return the index, or -1 when not LIVE (as KernelModule.enter: unlock, refuse) */
        int enter() {
            int idx = domain.readLock();
            if (state != LIVE) {
                domain.readUnlock(idx);
                return -1;
            }
            return idx;
        }

        void exit(int idx) {
            domain.readUnlock(idx);
        }

        void unload() {
            state = GOING;
            domain.synchronize();
            freed = true;
        }
    }

    static final class Box {
        volatile boolean freed;
    }

    // ------------------------------------------------------------------ deterministic, real threads

    /** A parked reader: enters on its own thread, waits for release, then leaves. */
    private final class ParkedReader {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean left = new AtomicBoolean();
        final Future<?> done;

        ParkedReader(SrcuDomain d, int nesting) {
            done = pool.submit(() -> {
                int[] idx = new int[nesting];
                for (int i = 0; i < nesting; i++) {
                    idx[i] = d.readLock();
                }
                inside.countDown();
                release.await();
                left.set(true);
                for (int i = nesting - 1; i >= 0; i--) {
                    d.readUnlock(idx[i]);
                }
                return null;
            });
            await(inside);
        }

        void leave() throws Exception {
            release.countDown();
            done.get(10, TimeUnit.SECONDS);
        }
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue("latch timed out", l.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertStillRunning(Future<?> f, String what) throws Exception {
        try {
            f.get(300, TimeUnit.MILLISECONDS);
            fail(what);
        } catch (TimeoutException expected) {
            // still waiting, as it must
        }
    }

    @Test
    public void synchronizeBlocksWhileAReaderIsInsideAndReturnsWhenItLeaves() throws Exception {
        SrcuStruct d = domain(pool);
        for (int nesting = 1; nesting <= 3; nesting++) {
            ParkedReader r = new ParkedReader(d, nesting);
            Future<Boolean> sync = pool.submit(() -> {
                d.synchronize();
                return r.left.get();
            });
            assertStillRunning(sync, "synchronize returned while a reader (nesting " + nesting + ") was inside");
            r.leave();
            assertTrue("synchronize returned before the reader left", sync.get(10, TimeUnit.SECONDS));
        }
    }

    /** A reader entered between two grace periods (in the other rank) is waited for too. */
    @Test
    public void readersInBothRanksAreWaitedFor() throws Exception {
        SrcuStruct d = domain(pool);
        ParkedReader first = new ParkedReader(d, 1); // rank 0
        Future<?> gp1 = pool.submit(d::synchronize);
        assertStillRunning(gp1, "synchronize returned while a reader was inside");
        first.leave();
        gp1.get(10, TimeUnit.SECONDS); // the index has flipped
        ParkedReader second = new ParkedReader(d, 1); // rank 1
        Future<?> gp2 = pool.submit(d::synchronize);
        assertStillRunning(gp2, "synchronize returned while a reader in the other rank was inside");
        second.leave();
        gp2.get(10, TimeUnit.SECONDS);
        assertEquals(2, d.gracePeriods());
    }

    @Test
    public void aGuardClosedOnAnotherThreadEndsTheSection() throws Exception {
        SrcuStruct d = domain(pool);
        SrcuDomain.Guard[] opened = new SrcuDomain.Guard[1];
        Thread opener = new Thread(() -> opened[0] = d.enter()); // not a pool thread: the section is its
        opener.start();
        opener.join();
        SrcuDomain.Guard g = opened[0];
        Future<?> sync = pool.submit(d::synchronize);
        assertStillRunning(sync, "synchronize returned while a handed-off guard was open");
        Thread closer = new Thread(g::close);
        closer.start();
        closer.join();
        sync.get(10, TimeUnit.SECONDS);
        g.close(); // a second close is ignored
        pool.submit(d::synchronize).get(10, TimeUnit.SECONDS); // and did not unbalance the count
    }

    @Test
    public void aCallbackWaitsForAPreExistingReader() throws Exception {
        SrcuStruct d = domain(pool);
        ParkedReader r = new ParkedReader(d, 2);
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean readerGoneWhenRun = new AtomicBoolean();
        d.call(() -> {
            readerGoneWhenRun.set(r.left.get());
            ran.countDown();
        });
        assertFalse("the callback ran while a pre-existing reader was inside", ran.await(300, TimeUnit.MILLISECONDS));
        Future<?> barrier = pool.submit(d::barrier);
        assertStillRunning(barrier, "barrier returned before the queued callback ran");
        r.leave();
        barrier.get(10, TimeUnit.SECONDS);
        assertEquals(0, ran.getCount());
        assertTrue(readerGoneWhenRun.get());
        assertEquals(0, d.callbacksPending());
        assertTrue(d.hadCallbacks());
    }

    /**
     * The module model on real threads: unload (GOING, synchronize, free) while a guard that
     * passed the LIVE check is parked inside; free must wait for it.
     */
    @Test
    public void unloadWaitsForAnEnteredGuard() throws Exception {
        MiniModule m = new MiniModule(domain(pool));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Boolean> user = pool.submit(() -> {
            int idx = m.enter();
            assertTrue(idx >= 0);
            entered.countDown();
            release.await();
            boolean freed = m.freed;
            m.exit(idx);
            return freed;
        });
        await(entered);
        Future<?> unload = pool.submit(m::unload);
        assertStillRunning(unload, "unload finished its grace period while a guard was inside");
        assertFalse(m.freed);
        assertEquals("new entries fail once GOING", -1, pool.submit(m::enter).get(10, TimeUnit.SECONDS).intValue());
        release.countDown();
        assertFalse("the guard saw the module freed", user.get(10, TimeUnit.SECONDS));
        unload.get(10, TimeUnit.SECONDS);
        assertTrue(m.freed);
    }
}
