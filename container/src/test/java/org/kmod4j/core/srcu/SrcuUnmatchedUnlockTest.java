package org.kmod4j.core.srcu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jetbrains.lincheck.Lincheck;
import org.junit.After;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;

/**
 * Unmatched unlocks: one used to make every later grace period wait for
 * lock and unlock counts that can never be equal again; a guard closed on two threads at once
 * counted two unlocks.
 */
public class SrcuUnmatchedUnlockTest {
    private static final int INVOCATIONS = Integer.getInteger("kmod4j.lincheck.invocations", 300);

    private final ExecutorService pool = DaemonPool.create("srcu-unmatched-test");
    private final KernelLog log = new KernelLog(256);
    private final TaintFlags taints = new TaintFlags();

    @After
    public void stopPool() {
        pool.shutdownNow();
    }

    private void assertGracePeriodEnds(SrcuStruct d) throws Exception {
        Future<?> gp = pool.submit(d::synchronize);
        try {
            gp.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            gp.cancel(true);
            fail("the grace period after an unmatched unlock never ends");
        }
    }

    private void assertRefused(Runnable unlock) {
        try {
            unlock.run();
            fail("an unmatched readUnlock was accepted");
        } catch (ModuleException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        String dmesg = log.entries().toString();
        assertTrue(dmesg, dmesg.contains("without an open read-side section"));
        assertTrue(taints.get().contains(Taint.WARN));
    }

    @Test
    public void aSecondUnlockOfTheSameSectionIsRefusedAndGracePeriodsGoOn() throws Exception {
        SrcuStruct d = new SrcuStruct("twice", "test", pool, log, taints);
        int token = d.readLock();
        d.readUnlock(token);
        assertRefused(() -> d.readUnlock(token));
        assertEquals(0, d.activeReaders());
        assertGracePeriodEnds(d);
    }

    @Test
    public void anUnmatchedUnlockOnAnotherThreadIsRefused() throws Exception {
        SrcuStruct d = new SrcuStruct("elsewhere", "test", pool, log, taints);
        int token = d.readLock();
        d.readUnlock(token);
        Future<?> other = pool.submit(() -> assertRefused(() -> d.readUnlock(token)));
        other.get(10, TimeUnit.SECONDS);
        assertEquals(0, d.activeReaders());
        assertGracePeriodEnds(d);
    }

    @Test
    public void aTokenNotFromThisDomainIsRefused() {
        SrcuStruct d = new SrcuStruct("foreign", "test", pool, log, taints);
        for (int bad : new int[] {-1, 1 << 20}) {
            try {
                d.readUnlock(bad);
                fail("readUnlock(" + bad + ") was accepted");
            } catch (IllegalArgumentException expected) {
                // no cell of this domain has that id
            }
        }
        assertEquals(0, d.activeReaders());
    }

    /** Lincheck's model checker explores the interleavings of two threads closing one guard. */
    @Test
    public void aGuardClosedOnTwoThreadsAtOnceCountsOneUnlock() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            SrcuStruct d = new SrcuStruct("race", "lincheck", Runnable::run, new KernelLog(16), new TaintFlags());
            SrcuDomain.Guard g = d.enter();
            Thread other = new Thread(g::close);
            other.start();
            g.close();
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            long inside = d.activeReaders();
            if (inside != 0) {
                throw new AssertionError("readers inside after the only section closed: " + inside);
            }
        });
    }
}
