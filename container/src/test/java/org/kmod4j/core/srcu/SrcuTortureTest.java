package org.kmod4j.core.srcu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;
import org.kmod4j.api.Taint;

/**
 * SRCU torture test (Linux rcutorture in spirit) for {@link SrcuStruct}: random readers
 * (nesting, brief blocking, sections handed to another thread to unlock, threads that die with a
 * section open, short-lived reader threads whose cells new ones take over; self-waits inside a
 * section, which must be refused with EDEADLK), synchronizers, call()
 * callbacks and barriers, all at once on more threads than cores.
 *
 * <p>Bookkeeping: every read-side section owns a {@link Section} token that is put in
 * {@link #inside} after readLock returned and is marked left and removed before readUnlock.
 * An updater snapshots {@link #inside} before synchronize()/call(): every token in the
 * snapshot is a reader that was inside before the update began, so it must be marked left when
 * synchronize returns or the callback runs. Each callback has an id and counts its runs (exactly
 * once); a barrier snapshots the ids whose call() had returned and checks they all ran.
 * A watchdog fails the test with a thread dump when no update completes for 30 s (a deadlock or
 * a starved grace period).
 *
 * <p>Duration: {@code -Dkmod4j.torture.seconds=N} (default 20), e.g.
 * {@code mvn -pl container test -Dtest=SrcuTortureTest -Dkmod4j.torture.seconds=600} for a long
 * run.
 */
public class SrcuTortureTest {

    private static final long SECONDS = Long.getLong("kmod4j.torture.seconds", 20);
    private static final long STALL_SECONDS = 30;

    static final class Section {
        final long id;
        volatile boolean left;

        Section(long id) {
            this.id = id;
        }
    }

    /** A section handed to another thread, which ends it. */
    static final class Handoff {
        final Section section;
        final int idx; // -1: a guard
        final SrcuDomain.Guard guard;

        Handoff(Section section, int idx, SrcuDomain.Guard guard) {
            this.section = section;
            this.idx = idx;
            this.guard = guard;
        }
    }

    private final Set<Section> inside = ConcurrentHashMap.newKeySet();
    private final AtomicLong sectionIds = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong progress = new AtomicLong();
    private volatile boolean stop;

    private final AtomicInteger callbackIds = new AtomicInteger();
    private final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final Set<Integer> returnedCalls = ConcurrentHashMap.newKeySet();

    private final AtomicLong stats[] = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
            new AtomicLong(), new AtomicLong(), new AtomicLong()};
    private static final int SECTIONS = 0, SYNCS = 1, CALLBACKS = 2, BARRIERS = 3, HANDOFFS = 4, THREADS = 5, SELFWAITS = 6;
    /** Threads alive at once: 3 readers, 1 short reader, churn, hand-off, 2 sync, 2 callers, 2 workers, main. */
    private static final int MAX_CELLS = 14 + 8; // + dead short readers whose handed-off section is still open

    private void failure(String what) {
        if (failures.size() < 20) {
            failures.add(what);
        }
        stop = true;
    }

    private Section open() {
        Section s = new Section(sectionIds.incrementAndGet());
        inside.add(s);
        return s;
    }

    private void close(Section s) {
        s.left = true;
        inside.remove(s);
        stats[SECTIONS].incrementAndGet();
    }

    private List<Section> snapshot() {
        return new ArrayList<>(inside);
    }

    private static List<Section> stillInside(List<Section> snap) {
        List<Section> in = new ArrayList<>();
        for (Section s : snap) {
            if (!s.left) {
                in.add(s);
            }
        }
        return in;
    }

    private static String ids(List<Section> ss) {
        StringBuilder b = new StringBuilder();
        for (Section s : ss) {
            b.append(s.id).append(' ');
        }
        return b.toString().trim();
    }

    /** One random read-side section, possibly nested, possibly blocking, possibly handed off. */
    private void readSection(SrcuStruct d, LinkedBlockingQueue<Handoff> handoffs, int depth) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        boolean guard = rnd.nextInt(4) == 0;
        SrcuDomain.Guard g = null;
        int idx = -1;
        if (guard) {
            g = d.enter();
        } else {
            idx = d.readLock();
        }
        Section s = open();
        int what = rnd.nextInt(100);
        if (what < 3 && handoffs != null && handoffs.offer(new Handoff(s, idx, g))) {
            stats[HANDOFFS].incrementAndGet(); // another thread ends it, later
            return;
        }
        if (!d.inReadSection()) {
            failure("inReadSection() is false inside a section opened on this thread");
        }
        if (what == 99 && depth == 0) {
            selfWait(d); // inside its own section: refused at once, never a wait
        }
        if (what < 25 && depth < 3) {
            readSection(d, handoffs, depth + 1);
        } else if (what < 30) {
            LockSupport.parkNanos(rnd.nextInt(200_000));
        } else if (what < 40) {
            Thread.yield();
        } else {
            for (int i = rnd.nextInt(50); i > 0; i--) {
                Thread.onSpinWait();
            }
        }
        close(s);
        if (guard) {
            g.close();
        } else {
            d.readUnlock(idx);
        }
    }

    private void selfWait(SrcuStruct d) {
        try {
            if (ThreadLocalRandom.current().nextBoolean()) {
                d.synchronize();
            } else {
                d.barrier();
            }
            failure("synchronize/barrier inside the caller's own section was not refused");
        } catch (ModuleException e) {
            if (e.errno() != Errno.EDEADLK) {
                failure("self-wait refused with " + e.errno() + " instead of EDEADLK");
            }
            stats[SELFWAITS].incrementAndGet();
        }
    }

    private Thread start(String name, Runnable body, List<Thread> all) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure(Thread.currentThread().getName() + " threw " + e);
                e.printStackTrace();
            }
        }, name);
        t.setDaemon(true);
        all.add(t);
        t.start();
        return t;
    }

    @Test(timeout = 0)
    public void torture() throws Exception {
        ExecutorService callbackExecutor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "torture-callbacks");
            t.setDaemon(true);
            return t;
        });
        KernelLog log = new KernelLog(1024);
        TaintFlags taints = new TaintFlags();
        SrcuStruct d = new SrcuStruct("torture", "torture", callbackExecutor, log, taints);
        LinkedBlockingQueue<Handoff> handoffs = new LinkedBlockingQueue<>(8); // bounded: a handed-off section ends soon
        List<Thread> threads = new ArrayList<>();

        // readers: 3 long-lived
        for (int r = 0; r < 3; r++) {
            start("reader-" + r, () -> {
                while (!stop) {
                    readSection(d, handoffs, 0);
                }
            }, threads);
        }
        // reader churn: short-lived threads (new ones take over the cells of dead ones), some hand a section off and die
        start("reader-churn", () -> {
            while (!stop) {
                Thread t = new Thread(() -> {
                    int n = ThreadLocalRandom.current().nextInt(1, 200);
                    for (int i = 0; i < n && !stop; i++) {
                        readSection(d, handoffs, 0);
                    }
                    if (ThreadLocalRandom.current().nextInt(4) == 0) {
                        int idx = d.readLock();
                        Section s = open();
                        if (!handoffs.offer(new Handoff(s, idx, null))) { // else the thread dies inside
                            close(s);
                            d.readUnlock(idx);
                        }
                    }
                }, "reader-short");
                t.setDaemon(true);
                t.start();
                stats[THREADS].incrementAndGet();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, threads);
        // the hand-off thread: ends sections opened elsewhere, after a short delay
        start("handoff", () -> {
            while (!stop || !handoffs.isEmpty()) {
                Handoff h;
                try {
                    h = handoffs.poll(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (h == null) {
                    continue;
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(100_000));
                close(h.section);
                if (h.guard != null) {
                    h.guard.close();
                } else {
                    d.readUnlock(h.idx);
                }
            }
        }, threads);
        // synchronizers: 2
        for (int u = 0; u < 2; u++) {
            start("sync-" + u, () -> {
                while (!stop) {
                    List<Section> snap = snapshot();
                    d.synchronize();
                    List<Section> in = stillInside(snap);
                    if (!in.isEmpty()) {
                        failure("synchronize returned while reader section(s) " + ids(in) + " that were inside at its start are still inside");
                    }
                    stats[SYNCS].incrementAndGet();
                    progress.incrementAndGet();
                    if (ThreadLocalRandom.current().nextInt(8) == 0) {
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(1_000_000));
                    }
                }
            }, threads);
        }
        // callers: 2, with barriers now and then
        for (int c = 0; c < 2; c++) {
            start("caller-" + c, () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!stop) {
                    if (rnd.nextInt(20) == 0) {
                        Set<Integer> before = Set.copyOf(returnedCalls);
                        d.barrier();
                        for (Integer id : before) {
                            AtomicInteger n = runs.get(id);
                            if (n == null || n.get() != 1) {
                                failure("barrier returned but callback " + id + ", queued before it, ran " + (n == null ? 0 : n.get()) + " times");
                                break;
                            }
                        }
                        stats[BARRIERS].incrementAndGet();
                        progress.incrementAndGet();
                        continue;
                    }
                    int id = callbackIds.incrementAndGet();
                    runs.put(id, new AtomicInteger());
                    List<Section> snap = snapshot();
                    d.call(() -> {
                        int n = runs.get(id).incrementAndGet();
                        if (n != 1) {
                            failure("callback " + id + " ran " + n + " times");
                        }
                        List<Section> in = stillInside(snap);
                        if (!in.isEmpty()) {
                            failure("callback " + id + " ran while reader section(s) " + ids(in) + " that were inside at its call() are still inside");
                        }
                        stats[CALLBACKS].incrementAndGet();
                        progress.incrementAndGet();
                    });
                    returnedCalls.add(id);
                    if (rnd.nextInt(4) == 0) {
                        LockSupport.parkNanos(rnd.nextInt(300_000));
                    }
                }
            }, threads);
        }

        // watchdog (this thread)
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        long lastProgress = progress.get();
        long lastChange = System.nanoTime();
        while (!stop && System.nanoTime() - end < 0) {
            Thread.sleep(200);
            long p = progress.get();
            if (p != lastProgress) {
                lastProgress = p;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
                failure("no update made progress for " + STALL_SECONDS + " s (deadlock or starved grace period):\n" + threadDump());
            }
        }
        stop = true;
        for (Thread t : threads) { // readers, churn, hand-off first: their sections end before the updaters are joined
            t.join(TimeUnit.SECONDS.toMillis(STALL_SECONDS));
            if (t.isAlive()) {
                failure(t.getName() + " did not stop within " + STALL_SECONDS + " s:\n" + threadDump());
                break;
            }
            if (t.getName().equals("handoff")) {
                // a short-lived reader may have handed a section off after the hand-off thread quit;
                // an updater's grace period waits for it, so it ends before the updaters are joined
                for (Handoff h; (h = handoffs.poll()) != null;) {
                    close(h.section);
                    if (h.guard != null) {
                        h.guard.close();
                    } else {
                        d.readUnlock(h.idx);
                    }
                }
            }
        }
        if (failures.isEmpty()) {
            // every callback queued ran exactly once
            d.barrier();
            for (Map.Entry<Integer, AtomicInteger> e : runs.entrySet()) {
                if (e.getValue().get() != 1) {
                    failure("callback " + e.getKey() + " ran " + e.getValue().get() + " times");
                    break;
                }
            }
            assertEquals(0, d.callbacksPending());
            assertTrue("readers left inside: " + inside.size(), inside.isEmpty());
            assertTrue("cleanup of a quiet domain reports nothing: " + log.entries(), d.cleanup());
            assertFalse(taints.get().contains(Taint.WARN));
            assertTrue("reader cells: " + d.cellCount() + " for at most " + MAX_CELLS + " threads at once",
                    d.cellCount() <= MAX_CELLS);
        }
        callbackExecutor.shutdownNow();
        System.out.printf("srcu torture %d s: %d sections, %d handoffs, %d short reader threads, %d synchronize, %d callbacks, %d barriers, %d grace periods, %d self-waits refused, %d reader cells%n",
                SECONDS, stats[SECTIONS].get(), stats[HANDOFFS].get(), stats[THREADS].get(), stats[SYNCS].get(),
                stats[CALLBACKS].get(), stats[BARRIERS].get(), d.gracePeriods(), stats[SELFWAITS].get(), d.cellCount());
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
        assertTrue("too little happened to mean anything", stats[SYNCS].get() > 10 && stats[CALLBACKS].get() > 10
                && stats[HANDOFFS].get() > 0);
    }

    private static String threadDump() {
        StringBuilder b = new StringBuilder();
        for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            b.append('"').append(ti.getThreadName()).append("\" ").append(ti.getThreadState());
            if (ti.getLockName() != null) {
                b.append(" on ").append(ti.getLockName());
            }
            b.append('\n');
            for (StackTraceElement e : ti.getStackTrace()) {
                b.append("    at ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- cleanup

    @Test
    public void cleanupReportsAStrayCallbackAndAReaderInsideAndRetiresTheDomain() throws Exception {
        KernelLog log = new KernelLog(1024);
        TaintFlags taints = new TaintFlags();
        List<Runnable> held = new ArrayList<>(); // an executor that runs its tasks when told to
        SrcuStruct d = new SrcuStruct("leaky", "mod", held::add, log, taints);

        AtomicInteger ranA = new AtomicInteger();
        d.call(ranA::incrementAndGet);
        assertEquals(1, held.size());
        held.remove(0).run(); // the worker: grace period, then A
        assertEquals(1, ranA.get());
        d.barrier(); // the last barrier: nothing pending, returns at once
        assertEquals(0, d.callbacksPending());

        AtomicInteger ranB = new AtomicInteger();
        d.call(ranB::incrementAndGet); // queued after the last barrier, its worker not run yet
        assertEquals(1, held.size());
        int idx = d.readLock(); // a reader still inside

        assertFalse("cleanup must report the stray callback and the reader", d.cleanup());
        String text = log.entries().toString();
        assertTrue(text, text.contains("1 callback(s) queued after the last barrier"));
        assertTrue(text, text.contains("1 reader(s) still inside"));
        assertTrue(taints.get().contains(Taint.WARN));
        assertTrue(d.isRetired());

        try {
            d.call(() -> { });
            fail("call() after cleanup must be refused");
        } catch (ModuleException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        try {
            d.synchronize();
            fail("synchronize() after cleanup must be refused");
        } catch (ModuleException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }

        d.readUnlock(idx);
        Thread worker = new Thread(held.remove(0)); // the stray callback's worker, late
        worker.start();
        worker.join(10_000);
        assertFalse("the late worker hangs", worker.isAlive());
        assertEquals("a callback queued after cleanup is leaked, never run", 0, ranB.get());
        assertEquals(1, d.callbacksLeaked());
    }

    @Test
    public void cleanupOfAQuietDomainIsCleanAndSilent() {
        KernelLog log = new KernelLog(1024);
        TaintFlags taints = new TaintFlags();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            SrcuStruct d = new SrcuStruct("quiet", "mod", ex, log, taints);
            CountDownLatch ran = new CountDownLatch(1);
            d.call(ran::countDown);
            d.barrier();
            assertEquals(0, ran.getCount());
            int idx = d.readLock();
            d.readUnlock(idx);
            assertTrue(d.cleanup());
            assertTrue(log.entries().toString(), log.entries().isEmpty());
            assertFalse(taints.get().contains(Taint.WARN));
            assertTrue("reader cells: " + d.cellCount() + " for at most " + MAX_CELLS + " threads at once",
                    d.cellCount() <= MAX_CELLS);
        } finally {
            ex.shutdownNow();
        }
    }

    /**
     * The contract of cleanup: updaters fail with EINVAL afterwards; readers are not checked
     * (no load on the read side), and a module's own guard refuses entry by its state instead.
     */
    @Test
    public void updatersFailAfterCleanup() {
        SrcuStruct d = new SrcuStruct("gone", "mod", Runnable::run, new KernelLog(16), new TaintFlags());
        assertTrue(d.cleanup());
        try {
            d.synchronize();
            fail("synchronize() after cleanup() succeeded");
        } catch (ModuleException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        try {
            d.call(() -> { });
            fail("call() after cleanup() succeeded");
        } catch (ModuleException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        assertEquals(0, d.callbacksPending());
    }
}
