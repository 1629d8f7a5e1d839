package org.kmod4j.core.srcu;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.TaintFlags;

/**
 * An SRCU domain: Linux Tree SRCU's reader/updater protocol ({@code __srcu_read_lock},
 * {@code srcu_readers_active_idx_check}, {@code srcu_flip}) with per-thread reader cells in
 * place of per-CPU data.
 *
 * <pre>
 * Implementation notes.
 *
 * State. Each reader thread owns a {@link SrcuReaderCell} with lock[2] and unlock[2] counters
 * that only it writes. {@code index} (its low bit) names the rank new readers use. Updaters
 * serialize on {@code updateLock}; {@code cells}, the retired counts of dead threads' cells,
 * the flip and the grace-period numbers change only under it (cell registration appends under
 * {@code cellsLock} as well).
 *
 * Reader. readLock: idx = index&1; own lock[idx] += 1 (opaque store); full fence (B); enter.
 * readUnlock(idx): own unlock[idx] += 1 (release store). No CAS, no shared line: the cost is
 * one thread-local lookup, one store, one fence, and a release store that is a plain store on
 * x86 and a store-release on ARM. Readers may block and nest (counts, not flags), and may
 * unlock on another thread (they count in that thread's cell; the sums below are unchanged).
 *
 * Rank idle check, readersIdle(idx): sum unlock[idx] over cells (acquire loads); full fence
 * (A); re-read the cell array and sum lock[idx]; idle iff equal. (1) Any unlock counted was
 * preceded, in happens-before, by its lock (same thread program order, or the hand-off that
 * moved the section to another thread), so the acquire load that saw the unlock also makes
 * the lock visible to the later lock pass; a cell that registered after the first pass is in
 * the second. Hence equality cannot come from an unlock without its lock, and equal sums mean
 * no reader counted in this rank is inside. (2) A reader whose lock increment the check did
 * not see: its increment comes after the check in the synchronization order of the two full
 * fences (B after the reader's store, A/E before the updater's loads), so by the fence
 * pairing the reader's section, which starts after B, sees every store the updater made
 * before its fence, e.g. a module's state set to GOING or an unpublished pointer. Such a
 * reader is not one the grace period has to wait for.
 *
 * Grace period, synchronize: fence; wait until the inactive rank is idle (SCAN1); flip index
 * with a fence (D/E); wait until the old rank is idle (SCAN2). New readers go to the new rank
 * after the flip, so SCAN2 sees a shrinking set and cannot be starved; SCAN1 first is what
 * makes a reader that sampled index just before a previous flip harmless (Linux's argument).
 *
 * Coalescing: gpStarted numbers grace periods. A caller notes gpStarted on entry; once it
 * holds updateLock, a grace period numbered above that note started after the caller entered,
 * so if gpCompleted (the number of the last one to finish) exceeds the note the caller's
 * readers are already waited for and it returns at once.
 *
 * Callbacks, call(cb): pending++, then enqueue, then make sure one worker runs. The worker
 * takes everything queued, runs a full grace period (which began after every callback in the
 * batch was queued, hence after the readers that preceded each call), then runs the batch in
 * queue order, decrementing pending after each. barrier: if pending is 0 every earlier callback
 * has run (its effects happen before the decrement we read); else it queues a marker behind
 * them and waits for the single, FIFO worker to reach it. hadCallbacks is a plain flag set on
 * first use, so an unload only pays for a barrier where call was ever used (seed 004).
 * </pre>
 */
public final class SrcuStruct implements SrcuDomain {
    private static final long STALL_REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final String owner;
    private final Executor executor;
    private final KernelLog log;
    private final TaintFlags taints;

    private final ThreadLocal<SrcuReaderCell> myCell = ThreadLocal.withInitial(this::register);
    private final Object cellsLock = new Object();
    private volatile SrcuReaderCell[] cells = new SrcuReaderCell[0];
    private final long[] retiredLocks = new long[2];
    private final long[] retiredUnlocks = new long[2];

    private volatile int index;
    private final ReentrantLock updateLock = new ReentrantLock();
    private volatile long gpStarted;
    private volatile long gpCompleted;
    private final AtomicLong gracePeriods = new AtomicLong();

    private final Queue<Runnable> callbacks = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean workerScheduled = new AtomicBoolean();
    private volatile boolean hadCallbacks;
    private volatile boolean retired;
    private final AtomicLong leaked = new AtomicLong();

    /**
     * @param name the domain's name
     * @param owner the module it belongs to, for reports
     * @param executor where callbacks and their grace periods run
     * @param log where leaks and stalls are reported
     * @param taints tainted with W on a report
     */
    public SrcuStruct(String name, String owner, Executor executor, KernelLog log, TaintFlags taints) {
        this.name = Objects.requireNonNull(name);
        this.owner = owner;
        this.executor = Objects.requireNonNull(executor);
        this.log = log;
        this.taints = taints;
    }

    @Override
    public String name() {
        return name;
    }

    private SrcuReaderCell register() {
        SrcuReaderCell c = new SrcuReaderCell(Thread.currentThread());
        synchronized (cellsLock) {
            SrcuReaderCell[] cs = cells;
            SrcuReaderCell[] grown = Arrays.copyOf(cs, cs.length + 1);
            grown[cs.length] = c;
            cells = grown;
        }
        return c;
    }

    /** The calling thread's cell (registered on first use). */
    SrcuReaderCell cell() {
        return myCell.get();
    }

    @Override
    public int readLock() {
        SrcuReaderCell c = myCell.get();
        int idx = index & 1;
        c.incrementLock(idx);
        VarHandle.fullFence(); // B: the section's loads follow the increment
        return idx;
    }

    /** readLock on a known cell (the caller's own): saves the thread-local lookup. */
    int readLock(SrcuReaderCell own) {
        int idx = index & 1;
        own.incrementLock(idx);
        VarHandle.fullFence();
        return idx;
    }

    /**
     * readLock that returns the rank as an object of the caller's own cell: a guarded proxy call
     * unlocks through it without a second thread-local lookup and allocates nothing.
     */
    public SrcuLane readLockLane() {
        SrcuReaderCell c = myCell.get();
        return c.lane(readLock(c));
    }

    @Override
    public void readUnlock(int idx) {
        if ((idx & ~1) != 0) {
            throw new IllegalArgumentException("not an index from readLock: " + idx);
        }
        myCell.get().incrementUnlock(idx);
    }

    @Override
    public Guard enter() {
        SrcuReaderCell c = myCell.get();
        return new SrcuReadGuard(this, c, readLock(c));
    }

    @Override
    public void synchronize() {
        checkNotRetired();
        try {
            gracePeriod(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, "interrupted while waiting for a grace period of " + describe());
        }
    }

    /** A grace period that an interrupt does not cut short (unload must finish). */
    public void synchronizeUninterruptibly() {
        try {
            gracePeriod(false); // defers an interrupt and sets it again when done
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible grace period was interrupted", e);
        }
    }

    private void gracePeriod(boolean interruptible) throws InterruptedException {
        long snap = gpStarted;
        if (interruptible) {
            updateLock.lockInterruptibly();
        } else {
            updateLock.lock();
        }
        boolean interrupted = false;
        try {
            if (gpCompleted > snap) {
                return;
            }
            long number = gpStarted + 1;
            gpStarted = number;
            VarHandle.fullFence();
            int active = index & 1;
            interrupted |= waitIdle(active ^ 1, interruptible); // SCAN1
            index = index + 1; // flip: new readers use the other rank
            VarHandle.fullFence();
            interrupted |= waitIdle(active, interruptible); // SCAN2
            VarHandle.fullFence();
            gpCompleted = number;
            gracePeriods.incrementAndGet();
            pruneDeadCells();
        } finally {
            updateLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether an interrupt arrived and was deferred (uninterruptible mode) */
    private boolean waitIdle(int idx, boolean interruptible) throws InterruptedException {
        boolean deferred = false;
        long start = 0;
        long nextReport = 0;
        for (int spins = 0;; spins++) {
            if (readersIdle(idx)) {
                return deferred;
            }
            if (Thread.interrupted()) {
                if (interruptible) {
                    throw new InterruptedException();
                }
                deferred = true;
            }
            if (spins < 32) {
                Thread.onSpinWait();
            } else if (spins < 64) {
                Thread.yield();
            } else {
                long now = System.nanoTime();
                if (start == 0) {
                    start = now;
                    nextReport = now + STALL_REPORT_NANOS;
                } else if (now - nextReport > 0 && log != null) {
                    log.warn("srcu: " + describe() + " grace period stalled for "
                            + TimeUnit.NANOSECONDS.toSeconds(now - start) + " s: " + activeReaders() + " reader(s) inside");
                    nextReport = now + STALL_REPORT_NANOS;
                }
                LockSupport.parkNanos(Math.min(1_000_000L, 1_000L << Math.min(spins - 64, 10)));
            }
        }
    }

    /** Whether no reader counted in rank {@code idx} is inside; see the notes. */
    boolean readersIdle(int idx) {
        long unlocks = retiredUnlocks[idx];
        for (SrcuReaderCell c : cells) {
            unlocks += c.unlocks(idx);
        }
        VarHandle.fullFence(); // A
        long locks = retiredLocks[idx];
        for (SrcuReaderCell c : cells) {
            locks += c.locks(idx);
        }
        return locks == unlocks;
    }

    /** Readers inside now, both ranks; exact only when no reader runs concurrently. */
    long activeReaders() {
        long n = 0;
        for (int idx = 0; idx < 2; idx++) {
            long locks = retiredLocks[idx];
            long unlocks = retiredUnlocks[idx];
            for (SrcuReaderCell c : cells) {
                unlocks += c.unlocks(idx);
                locks += c.locks(idx);
            }
            n += locks - unlocks;
        }
        return n;
    }

    /** Folds cells of dead threads into the retired counts (under updateLock). */
    private void pruneDeadCells() {
        SrcuReaderCell[] cs = cells;
        if (cs.length < 64 || gpCompleted % 64 != 0) {
            return;
        }
        synchronized (cellsLock) {
            List<SrcuReaderCell> keep = new ArrayList<>();
            for (SrcuReaderCell c : cells) {
                if (c.ownerDead()) {
                    for (int idx = 0; idx < 2; idx++) {
                        retiredLocks[idx] += c.locks(idx);
                        retiredUnlocks[idx] += c.unlocks(idx);
                    }
                } else {
                    keep.add(c);
                }
            }
            cells = keep.toArray(new SrcuReaderCell[0]);
        }
    }

    @Override
    public void call(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkNotRetired();
        hadCallbacks = true;
        pending.incrementAndGet();
        callbacks.add(callback);
        kick();
    }

    private void kick() {
        if (workerScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                drain(); // the container is stopping: run the batch here rather than strand it
            }
        }
    }

    private void drain() {
        for (;;) {
            List<Runnable> batch = new ArrayList<>();
            for (Runnable r; (r = callbacks.poll()) != null;) {
                batch.add(r);
            }
            if (batch.isEmpty()) {
                workerScheduled.set(false);
                if (callbacks.isEmpty() || !workerScheduled.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            synchronizeUninterruptibly();
            for (Runnable cb : batch) {
                if (cb instanceof BarrierMarker) {
                    cb.run();
                    continue;
                }
                try {
                    if (retired) {
                        leaked.incrementAndGet();
                    } else {
                        cb.run();
                    }
                } catch (Throwable t) {
                    report("srcu: " + describe() + " callback " + cb + " threw " + t);
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }

    @Override
    public void barrier() {
        BarrierMarker marker = queueBarrier();
        if (marker == null) {
            return;
        }
        try {
            marker.done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, "interrupted in barrier of " + describe());
        }
    }

    /** {@link #barrier()} that an interrupt does not cut short (unload must finish). */
    public void barrierUninterruptibly() {
        BarrierMarker marker = queueBarrier();
        if (marker == null) {
            return;
        }
        boolean interrupted = false;
        for (;;) {
            try {
                marker.done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A marker behind every callback queued so far, or null if none is pending. */
    private BarrierMarker queueBarrier() {
        if (pending.get() == 0) {
            return null;
        }
        BarrierMarker marker = new BarrierMarker();
        callbacks.add(marker);
        kick();
        return marker;
    }

    @Override
    public boolean cleanup() {
        updateLock.lock();
        try {
            if (retired) {
                return true;
            }
            retired = true;
            long stray = pending.get();
            long inside = activeReaders();
            if (stray > 0) {
                report("srcu: " + describe() + ": " + stray + " callback(s) queued after the last barrier; leaked, not run");
            }
            if (inside > 0) {
                report("srcu: " + describe() + ": " + inside + " reader(s) still inside at cleanup");
            }
            return stray == 0 && inside == 0;
        } finally {
            updateLock.unlock();
        }
    }

    private void report(String text) {
        if (taints != null) {
            taints.add(Taint.WARN, text, log);
        } else if (log != null) {
            log.warn(text);
        }
    }

    private void checkNotRetired() {
        if (retired) {
            throw new ModuleException(Errno.EINVAL, "srcu domain " + describe() + " is cleaned up");
        }
    }

    private String describe() {
        return owner == null ? name : owner + "/" + name;
    }

    @Override
    public long gracePeriods() {
        return gracePeriods.get();
    }

    @Override
    public long callbacksPending() {
        return pending.get();
    }

    @Override
    public boolean hadCallbacks() {
        return hadCallbacks;
    }

    /** Callbacks dropped because they came after cleanup. */
    public long callbacksLeaked() {
        return leaked.get();
    }

    public boolean isRetired() {
        return retired;
    }

    @Override
    public String toString() {
        return "SrcuDomain[" + describe() + "]";
    }

    private static final class BarrierMarker implements Runnable {
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void run() {
            done.countDown();
        }
    }
}
