package org.kmod4j.core.srcu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;

/**
 * The thread-id table a reader finds its cell through ({@code byThread[id & 63]}): a slot can hold
 * another live thread's cell (same low id bits) or a stale one (its cell since claimed by a
 * thread of another slot). A reader must never count in a cell it does not own: each test
 * fails if the owner check on the table's hit path is dropped (the second thread would count in
 * the first one's cell, so no second cell would be registered and the thread would not find its
 * own section open).
 */
public class SrcuReaderTableTest {

    private static SrcuStruct domain() {
        return new SrcuStruct("table", "test", Runnable::run, new KernelLog(64), new TaintFlags());
    }

    /** A thread not started yet whose id has the same slot as {@code other}'s (ids are consecutive). */
    private static Thread sameSlotAs(Thread other, Runnable body) {
        for (int i = 0; i < 256; i++) {
            Thread t = new Thread(body);
            if ((t.getId() & 63) == (other.getId() & 63)) {
                return t;
            }
        }
        throw new AssertionError("no thread id with the slot of " + other.getId() + " in 256 tries");
    }

    /** Runs {@code body} on {@code t} and waits for it to end; rethrows what it threw. */
    private static void runOn(Thread t, AtomicReference<Throwable> failed) throws InterruptedException {
        t.start();
        t.join(10_000);
        assertFalse("thread did not finish", t.isAlive());
        assertNull(failed.get());
    }

    private static Runnable recording(AtomicReference<Throwable> failed, Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        };
    }

    @Test
    public void twoLiveThreadsOfOneSlotCountInTheirOwnCells() throws Exception {
        SrcuStruct d = domain();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread holder = new Thread(recording(failed, () -> {
            try (SrcuDomain.Guard g = d.enter()) { // takes the slot: the first reader of it
                inside.countDown();
                assertTrue(leave.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }));
        holder.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        Thread other = sameSlotAs(holder, recording(failed, () -> {
            assertFalse("the holder's section is not this thread's", d.inReadSection());
            try (SrcuDomain.Guard g = d.enter()) {
                assertTrue(d.inReadSection());
            }
            assertFalse(d.inReadSection());
        }));
        runOn(other, failed);
        assertEquals("one cell per live thread", 2, d.cellCount());
        assertEquals("the holder is still inside", 1, d.activeReaders());
        leave.countDown();
        holder.join(10_000);
        assertNull(failed.get());
        assertEquals(0, d.activeReaders());
    }

    @Test
    public void aStaleEntryIsNotUsedOnceItsCellIsClaimedByAThreadOfAnotherSlot() throws Exception {
        SrcuStruct d = domain();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread first = new Thread(recording(failed, () -> d.enter().close())); // takes its slot, then dies
        runOn(first, failed);
        assertEquals(1, d.cellCount());

        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread claimer = null;
        for (int i = 0; i < 256 && claimer == null; i++) {
            Thread t = new Thread(recording(failed, () -> {
                try (SrcuDomain.Guard g = d.enter()) { // reclaims the dead thread's cell
                    inside.countDown();
                    assertTrue(leave.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
            if ((t.getId() & 63) != (first.getId() & 63)) {
                claimer = t;
            }
        }
        claimer.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        assertEquals("the dead thread's cell was taken over", 1, d.cellCount());

        // the first thread's slot still names that cell, now the claimer's
        Thread next = sameSlotAs(first, recording(failed, () -> {
            assertFalse(d.inReadSection());
            try (SrcuDomain.Guard g = d.enter()) {
                assertTrue("found its own cell, not the claimer's", d.inReadSection());
            }
        }));
        runOn(next, failed);
        assertEquals("a cell of its own: the claimer's is not shared", 2, d.cellCount());
        assertEquals("the claimer is still inside", 1, d.activeReaders());
        leave.countDown();
        claimer.join(10_000);
        assertNull(failed.get());
        assertEquals(0, d.activeReaders());
    }
}
