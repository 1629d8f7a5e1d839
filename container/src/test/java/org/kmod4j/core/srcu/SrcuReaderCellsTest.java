package org.kmod4j.core.srcu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;

/**
 * Reader cells stay bounded under any thread pool: pools that start a
 * thread per task (CompletableFuture's async default on a machine with parallelism 1) and
 * ForkJoin workers that erase their thread-locals between tasks must not register a new cell
 * per guarded call. No grace period runs in these tests: the old code only pruned dead cells
 * in grace periods, and a reader-only workload has none.
 */
public class SrcuReaderCellsTest {
    private static final int CALLS = 2_000;

    private static SrcuStruct domain() {
        return new SrcuStruct("cells", "test", Runnable::run, new KernelLog(64), new TaintFlags());
    }

    @Test
    public void aThreadPerCallReusesTheCellsOfDeadThreads() throws Exception {
        SrcuStruct d = domain();
        for (int i = 0; i < CALLS; i++) {
            Thread t = new Thread(() -> {
                try (SrcuDomain.Guard g = d.enter()) {
                    // a guarded call
                }
            });
            t.start();
            t.join(10_000);
        }
        assertTrue("cells: " + d.cellCount() + " after " + CALLS + " short-lived threads", d.cellCount() <= 2);
        assertEquals(0, d.activeReaders());
    }

    @Test
    public void asyncCallsStayBounded() throws Exception {
        SrcuStruct d = domain();
        for (int i = 0; i < CALLS; i++) {
            CompletableFuture.runAsync(() -> {
                try (SrcuDomain.Guard g = d.enter()) {
                    // a guarded call
                }
            }).get(10, TimeUnit.SECONDS);
        }
        // the common pool's workers, or one thread per task: a finished task's thread may still
        // be alive when the next one registers, so a few cells, but not one per call
        int bound = Runtime.getRuntime().availableProcessors() + 16;
        assertTrue("cells: " + d.cellCount() + " after " + CALLS + " async calls", d.cellCount() <= bound);
    }

    /**
     * What ForkJoinPool's InnocuousForkJoinWorkerThread does after each task
     * ({@code ThreadLocalRandom.eraseThreadLocals}): the thread lives on, its thread-locals are gone.
     */
    @Test
    public void aThreadWhoseThreadLocalsAreErasedKeepsItsCell() throws Exception {
        SrcuStruct d = domain();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread worker = new Thread(() -> { // not the test runner's thread: its thread-locals are erased
            try {
                for (int i = 0; i < CALLS; i++) {
                    try (SrcuDomain.Guard g = d.enter()) {
                        eraseThreadLocals();
                        assertTrue(d.inReadSection()); // found again through its cell's owner
                    }
                    eraseThreadLocals();
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        worker.start();
        worker.join(30_000);
        assertEquals(null, failed.get());
        assertEquals("one thread, one cell", 1, d.cellCount());
        assertEquals(0, d.activeReaders());
    }

    /** A dead thread's cell with a section still open elsewhere is not taken over until it closes. */
    @Test
    public void aDeadThreadsCellWithAHandedOffSectionIsNotReused() throws Exception {
        SrcuStruct d = domain();
        SrcuDomain.Guard[] handed = new SrcuDomain.Guard[1];
        Thread opener = new Thread(() -> handed[0] = d.enter());
        opener.start();
        opener.join(10_000);
        Thread next = new Thread(() -> d.enter().close());
        next.start();
        next.join(10_000);
        assertEquals("the opener's cell is still in use by its open section", 2, d.cellCount());
        handed[0].close();
        Thread third = new Thread(() -> d.enter().close());
        third.start();
        third.join(10_000);
        assertEquals(2, d.cellCount());
        assertEquals(0, d.activeReaders());
    }

    private static void eraseThreadLocals() throws ReflectiveOperationException {
        Field uf = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        uf.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) uf.get(null);
        long offset = u.objectFieldOffset(Thread.class.getDeclaredField("threadLocals"));
        u.putObject(Thread.currentThread(), offset, null);
    }
}
