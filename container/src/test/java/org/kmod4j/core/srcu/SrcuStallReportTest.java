package org.kmod4j.core.srcu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;

/**
 * A grace period that waits on a reader past the stall timeout is reported like Linux's RCU
 * stall warnings, a dmesg line and taint W, instead of waiting silently.
 */
public class SrcuStallReportTest {
    private final ExecutorService pool = DaemonPool.create("srcu-stall-test");

    @After
    public void stopPool() {
        pool.shutdownNow();
    }

    @Test
    public void aStalledGracePeriodIsReportedWithTaintWAndStillWaits() throws Exception {
        KernelLog log = new KernelLog(256);
        TaintFlags taints = new TaintFlags();
        SrcuStruct d = new SrcuStruct("slow", "mod", pool, log, taints, Duration.ofMillis(100));
        CountDownLatch reported = new CountDownLatch(1);
        log.follow(0, e -> {
            if (e.text().contains("container tainted")) { // logged after the report and the taint
                reported.countDown();
            }
        });
        SrcuDomain.Guard[] reader = new SrcuDomain.Guard[1];
        Thread opener = new Thread(() -> reader[0] = d.enter()); // the section stays open
        opener.start();
        opener.join(10_000);
        Future<?> gp = pool.submit(d::synchronize);
        assertTrue("no stall report within 10 s", reported.await(10, TimeUnit.SECONDS));
        String dmesg = log.entries().stream().map(e -> e.text()).toList().toString();
        assertTrue("no stall report in " + dmesg, dmesg.contains("srcu: INFO: mod/slow grace period stalled for"));
        assertTrue(dmesg, dmesg.contains("1 reader(s) inside"));
        assertTrue(taints.get().contains(Taint.WARN));
        assertFalse("the grace period must still wait for the reader", gp.isDone());
        reader[0].close();
        gp.get(10, TimeUnit.SECONDS);
        assertEquals(1, d.gracePeriods());
    }

    @Test
    public void aShortGracePeriodIsNotReported() throws Exception {
        KernelLog log = new KernelLog(256);
        TaintFlags taints = new TaintFlags();
        SrcuStruct d = new SrcuStruct("quick", "mod", pool, log, taints);
        try (SrcuDomain.Guard g = d.enter()) {
            // a reader in and out before the grace period
        }
        d.synchronize();
        assertTrue(log.entries().toString(), log.entries().isEmpty());
        assertFalse(taints.get().contains(Taint.WARN));
    }
}
