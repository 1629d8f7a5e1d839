package org.kmod4j.core.srcu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;
import org.kmod4j.core.KernelEvent;
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
 * that only it writes, and a nesting count (nest) of the sections opened on it; departed counts
 * those of them closed on other threads. {@code index} (its low bit) names the rank new readers
 * use. Updaters serialize on {@code updateLock}; the flip, the grace-period numbers and excess[]
 * change only under it. Cells are appended (never removed) under {@code cellsLock}.
 *
 * Reader. readLock: idx = index&1; own lock[idx] += 1 and nest += 1 (opaque stores); full
 * fence (B); enter. It returns a token, cell id << 1 | idx. readUnlock(token): on the opening
 * thread nest -= 1; on another thread, opener's departed += 1 (an atomic add: the rare path);
 * then own unlock[idx] += 1 (release store). No CAS and no shared line on the usual path: the
 * cost is finding the cell (below), two stores, one fence, and a release store that is a plain
 * store on x86 and a store-release on ARM. Readers may block and nest (counts, not flags), and
 * may unlock on another thread (they count in that thread's cell; the sums below are unchanged).
 *
 * Finding the cell. Everything the reader loads before fence B is on its critical path (the
 * increment's store waits for the cell's address, the fence for the store), so the lookup is
 * one load: byThread[threadId & 63], a direct-mapped table, then an owner check
 * (owner.refersTo(thread)) that no store depends on; the fence still waits for it, as for every
 * older instruction, so it is kept to two loads. A ThreadLocal.get is four dependent loads
 * (threadLocals, table, entry, value) and costs about as much as the whole fenced pair on
 * counters in hand (GuardBench's fenceFloorPair rows).
 * Callers that keep readerTable() beside the domain (a proxy's binding, a module's default
 * domain) also skip the domain's load. Why the table is safe: (a) entries are written only
 * under cellsLock, with a release store, and read with an acquire load, so a reader that gets
 * a cell sees it constructed; (b) a cell's owner changes only in claim(), under cellsLock,
 * from a thread that is dead (it reads nothing any more) to the claiming one, so a live thread
 * that reads itself as the owner is the owner: a cell keeps one writer, and the counting
 * argument below does not change; (c) an entry can be stale (its holder died, or its cell was
 * claimed by a thread of another slot) or belong to another live thread whose id has the same
 * low bits: the owner check fails, and the thread takes the slow path, its ThreadLocal (the
 * previous way, kept as the fallback) and, on its first miss and every 1024th after, the slot
 * itself unless a live thread of that slot holds it. Thread ids are never reused, so threads
 * created one after another get different slots; correctness never depends on the id (a
 * Thread subclass overriding getId only loses speed). The table holds only cells, which the
 * cell array holds anyway, and a cell holds its owner weakly: no thread or class loader is
 * pinned by it.
 *
 * Cells stay bounded. ForkJoin workers may clear thread-locals between tasks and
 * pools create and retire threads, so a thread-local miss does not mean a new cell: the thread
 * first looks for a cell it already owns, then takes over a reclaimable one (owner dead, seen
 * through Thread.isAlive, which happens after the dead thread's last write, JLS 17.4.4; and no
 * section of it open elsewhere: open() = nest - departed = 0), and only then appends. So the
 * array never holds more cells than threads were alive at once, plus dead threads that left a
 * section open (a leak the stall report names). Counts carry over to the new owner: the idle
 * check only needs sums, and the new owner's increments follow the old ones in happens-before.
 * The hit path does not look at the cell array: the thread-id table, or the ThreadLocal.
 *
 * Unmatched unlocks. readUnlock refuses (EINVAL, dmesg, taint W) a token whose
 * opening cell has no open section: on the owner open() is exact; on another thread departed
 * is read before nest (acquire), so every departure it counts comes with the nest increment of
 * its section (that section's open happened before the departing thread got the token). A guard
 * is closed once: its closed flag is tested and set under the guard's monitor, so two threads
 * closing it count one unlock (the monitor's enter is a CAS when the guard is shared; when it
 * does not escape, C2 elides the lock and scalar-replaces the guard, which a VarHandle CAS on
 * the flag prevents: 40 B/op measured against 0). The unlock itself is ordered after the flag
 * by program order on the closing thread; its release store is what the updater pairs with.
 * An unmatched unlock that still gets through (a token unlocked twice inside a nested
 * section) is caught on the update side: by (1) below, unlocks > locks in a rank can only come
 * from one, so the surplus is reported and added to excess[idx], which counts as locks; without
 * that, every later grace period would wait for locks == unlocks forever. Until it is seen, such
 * a surplus can hide a reader and end a grace period early: the read-side refusal is the guard,
 * the update side only keeps the domain usable and says so.
 *
 * nest and departed are owner-local bookkeeping for inReadSection() and the refusal; neither
 * is read by the idle check, so they add no ordering obligation to the grace period: nest is an
 * opaque store (a plain mov on x86) next to the lock counter on the same line, departed an
 * atomic add on the rare cross-thread close.
 *
 * Rank idle check, readersIdle(idx): sum unlock[idx] over cells (acquire loads); full fence
 * (A); re-read the cell array and sum lock[idx]; idle iff equal. (1) Any unlock counted was
 * preceded, in happens-before, by its lock (same thread program order, or the hand-off that
 * moved the section to another thread), so the acquire load that saw the unlock also makes
 * the lock visible to the later lock pass; a cell appended after the first pass is in the
 * second. Hence equality cannot come from an unlock without its lock, and equal sums mean
 * no reader counted in this rank is inside. (2) A reader whose lock increment the check did
 * not see: its increment comes after the check in the synchronization order of the two full
 * fences (B after the reader's store, A/E before the updater's loads), so by the fence
 * pairing the reader's section, which starts after B, sees every store the updater made
 * before its fence, e.g. a module's state set to GOING or an unpublished pointer. Such a
 * reader is not one the grace period has to wait for.
 *
 * Grace period, synchronize: fence (F); read gpStarted; take updateLock; wait until the
 * inactive rank is idle (SCAN1); flip index with a fence (D/E); wait until the old rank is idle
 * (SCAN2). New readers go to the new rank after the flip, so SCAN2 sees a shrinking set and
 * cannot be starved; SCAN1 first is what makes a reader that sampled index just before a
 * previous flip harmless (Linux's argument).
 *
 * Coalescing: gpStarted numbers grace periods. A caller notes gpStarted on entry (snap); once
 * it holds updateLock, a grace period numbered above snap started after the caller read snap,
 * so if gpCompleted exceeds snap the caller returns at once. Fence F is Linux's smp_mb() in
 * rcu_seq_snap: the caller's stores before synchronize(), e.g.
 * ptr.setRelease(new), must be ordered before its load of gpStarted. Without F the load may
 * be satisfied while the store still sits in the store buffer (StoreLoad reordering: allowed
 * on x86 too, and release/acquire do not forbid it); grace period snap+1 could then run
 * entirely in that window, a reader entering after its scans would still read the old
 * pointer, and the caller would return and free it. With F: the caller's load read a value
 * older than grace period snap+1's write of gpStarted, which precedes that grace period's
 * fence, so F precedes the scans' fences in the fence order, and by (2) every reader those
 * scans did not see, sees the new pointer.
 *
 * Stalls: a scan that waits longer than stallTimeout is reported like Linux's RCU CPU stall
 * warning: a dmesg line naming the domain, the rank and the readers inside, and taint W; then
 * again every stallTimeout. It holds only updateLock, which no load needs.
 *
 * Self-waits are EDEADLK, never a hang: synchronize() and barrier() inside a read-side section
 * of the same domain (inReadSection(): the calling thread's own cell has a section open, a
 * read of its own line), and barrier() from one of the domain's own callbacks (the single
 * worker would have to run the marker queued behind the callback that waits for it).
 *
 * Callbacks, call(cb): pending++, then enqueue, then make sure one worker runs. The worker
 * takes everything queued, runs a full grace period (which began after every callback in the
 * batch was queued, hence after the readers that preceded each call), then runs the batch in
 * queue order, decrementing pending after each. barrier: if pending is 0 every earlier callback
 * has run (its effects happen before the decrement we read); else it queues a marker behind
 * them and waits for the single, FIFO worker to reach it. hadCallbacks is a plain flag set on
 * first use, so an unload only pays for a barrier where call was ever used (as proposed in "Forbid static
 * SRCU use in modules", Mathieu Desnoyers and Paul E. McKenney, LKML, April 2019). If the
 * executor rejects the worker (the container is stopping), the worker runs on a thread of its
 * own, never on the caller's: the caller may be inside a read section, and the worker's grace
 * period would wait for it forever.
 * </pre>
 */
public final class SrcuStruct implements SrcuDomain {
    /** Linux's CONFIG_RCU_CPU_STALL_TIMEOUT is 21 s; a module's unload is waiting here. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);
    /** Slots of the thread-id table; a power of two. */
    private static final int SLOTS = 64;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(SrcuReaderCell[].class);

    private final String name;
    private final String owner;
    private final Executor executor;
    private final KernelLog log;
    private final TaintFlags taints;
    private final long stallNanos;

    /** Cells by thread id, direct-mapped: the read side's usual way to its own cell (see the notes). */
    private final SrcuReaderCell[] byThread = new SrcuReaderCell[SLOTS];
    /** The way to its cell for a thread that has no slot (taken by a live thread with the same slot). */
    private final ThreadLocal<SrcuReaderCell> myCell = new ThreadLocal<>();
    private final Object cellsLock = new Object();
    private volatile SrcuReaderCell[] cells = new SrcuReaderCell[0];
    /** Unmatched unlocks found by the update side, counted as locks (under updateLock). */
    private final long[] excess = new long[2];

    private volatile int index;
    private final ReentrantLock updateLock = new ReentrantLock();
    private volatile long gpStarted;
    private volatile long gpCompleted;
    private final AtomicLong gracePeriods = new AtomicLong();

    private final Queue<Runnable> callbacks = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean workerScheduled = new AtomicBoolean();
    /** The thread running callbacks now, if any. */
    private volatile Thread worker;
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
        this(name, owner, executor, log, taints, DEFAULT_STALL_TIMEOUT);
    }

    /** @param stallTimeout how long a grace period waits for readers before it is reported */
    public SrcuStruct(String name, String owner, Executor executor, KernelLog log, TaintFlags taints,
            Duration stallTimeout) {
        this.name = Objects.requireNonNull(name);
        this.owner = owner;
        this.executor = Objects.requireNonNull(executor);
        this.log = log;
        this.taints = taints;
        this.stallNanos = Math.max(1, stallTimeout.toNanos());
    }

    @Override
    public String name() {
        return name;
    }

    // ------------------------------------------------------------------ reader cells

    /**
     * The calling thread's cell (found or registered on first use). Usually one load from the
     * thread-id table and an owner check that no store depends on; see the notes.
     */
    SrcuReaderCell cell() {
        return cell(byThread);
    }

    /** {@link #cell()} through the table a caller kept: the domain's load leaves the path to the cell. */
    SrcuReaderCell cell(SrcuReaderCell[] table) {
        if (table != byThread) { // a branch, not a dependency of the cell's address
            throw new IllegalArgumentException("not the reader table of " + describe());
        }
        Thread t = Thread.currentThread();
        SrcuReaderCell c = (SrcuReaderCell) SLOT.getAcquire(table, slot(t));
        return c != null && c.ownedBy(t) ? c : missedSlot(t);
    }

    /**
     * This domain's thread-id table of reader cells, for a caller that keeps it beside the
     * domain (a proxy's binding, a module's default domain) and passes it back to
     * {@link #readLockLane(SrcuReaderCell[])} or {@link SrcuReadGuard}: one dependent load less
     * per read lock. Not API: only the core holds it, and it must not write to it.
     */
    public SrcuReaderCell[] readerTable() {
        return byThread;
    }

    /** Thread ids are never reused, so threads created one after another get different slots. */
    private static int slot(Thread t) {
        return (int) t.getId() & (SLOTS - 1);
    }

    /** Not in the table: the thread-local (or a new cell), then take the slot unless a live thread holds it. */
    private SrcuReaderCell missedSlot(Thread t) {
        SrcuReaderCell c = myCell.get();
        if (c == null) {
            c = attach(t);
        }
        if (c.retrySlot()) {
            takeSlot(c, t);
        }
        return c;
    }

    /** Owner only. A slot's holder keeps it while it lives; a dead holder's or a stale entry is replaced. */
    private void takeSlot(SrcuReaderCell c, Thread t) {
        int s = slot(t);
        synchronized (cellsLock) {
            SrcuReaderCell held = byThread[s];
            Thread holder = held == null ? null : held.owner();
            if (held != c && (holder == null || !holder.isAlive() || slot(holder) != s)) {
                SLOT.setRelease(byThread, s, c); // pairs with cell()'s getAcquire: the cell's fields before it
            }
        }
    }

    /** A thread-local miss: the thread's own cell if it has one (thread-locals cleared), else a reclaimed or new one. */
    private SrcuReaderCell attach(Thread t) {
        SrcuReaderCell c = owned(t);
        if (c == null) {
            synchronized (cellsLock) {
                SrcuReaderCell[] cs = cells;
                for (SrcuReaderCell r : cs) {
                    if (r.reclaimable()) {
                        r.claim(t);
                        c = r;
                        break;
                    }
                }
                if (c == null) {
                    c = new SrcuReaderCell(cs.length, t);
                    SrcuReaderCell[] grown = Arrays.copyOf(cs, cs.length + 1);
                    grown[cs.length] = c;
                    cells = grown;
                }
            }
        }
        myCell.set(c);
        return c;
    }

    /** The cell {@code t} owns, or null; only {@code t} claims cells for itself, so no lock. */
    private SrcuReaderCell owned(Thread t) {
        for (SrcuReaderCell c : cells) {
            if (c.ownedBy(t)) {
                return c;
            }
        }
        return null;
    }

    /** Cells registered (live and reclaimable), for tests and reports. */
    int cellCount() {
        return cells.length;
    }

    // ------------------------------------------------------------------ read side

    @Override
    public int readLock() {
        return readLock(cell());
    }

    /** readLock on a known cell (the caller's own): saves the lookup. */
    int readLock(SrcuReaderCell own) {
        return own.tokenBase | lockRank(own);
    }

    /** readLock on the caller's own cell; returns the rank (a guard keeps it, no token needed). */
    int lockRank(SrcuReaderCell own) {
        int idx = index & 1;
        own.incrementLock(idx);
        VarHandle.fullFence(); // B: the section's loads follow the increment
        return idx;
    }

    /**
     * readLock that returns the rank as an object of the caller's own cell: a guarded proxy call
     * unlocks through it without a second lookup and allocates nothing.
     */
    public SrcuLane readLockLane() {
        return readLockLane(byThread);
    }

    /** {@link #readLockLane()} with this domain's {@link #readerTable()}. */
    public SrcuLane readLockLane(SrcuReaderCell[] table) {
        SrcuReaderCell c = cell(table);
        int idx = index & 1;
        SrcuLane lane = c.lane(idx); // before the fence: nothing after it waits for this load
        c.incrementLock(idx);
        VarHandle.fullFence(); // B, as in lockRank
        return lane;
    }

    @Override
    public void readUnlock(int token) {
        if (token < 0) {
            throw new IllegalArgumentException("not a token from readLock: " + token);
        }
        int idx = token & 1;
        int id = token >>> 1;
        SrcuReaderCell own = cell();
        if (id == own.id) {
            if (own.open() <= 0) {
                throw unmatched(token);
            }
            own.unlockOwn(idx);
            return;
        }
        SrcuReaderCell[] cs = cells;
        if (id >= cs.length) {
            throw new IllegalArgumentException("not a token from readLock of " + describe() + ": " + token);
        }
        SrcuReaderCell opener = cs[id];
        if (opener.open() <= 0) {
            throw unmatched(token);
        }
        opener.depart();
        own.incrementUnlock(idx);
    }

    /** The end of a guard's section (closed once, by its CAS). */
    void unlock(SrcuReaderCell opener, Thread openerThread, int idx) {
        if (Thread.currentThread() == openerThread) {
            opener.unlockOwn(idx);
        } else {
            opener.depart();
            cell().incrementUnlock(idx);
        }
    }

    private ModuleException unmatched(int token) {
        String text = "srcu: " + describe() + ": readUnlock(" + token + ") without an open read-side section; refused";
        report(text);
        return new ModuleException(Errno.EINVAL, text);
    }

    @Override
    public Guard enter() {
        return new SrcuReadGuard(this);
    }

    /**
     * Whether the calling thread is inside a read-side section of this domain: it opened one
     * that is not closed yet (on any thread). Reads only the caller's own cell; for the
     * container's self-wait checks (an unload of this domain's module from inside it is EDEADLK).
     */
    public boolean inReadSection() {
        SrcuReaderCell c = myCell.get();
        if (c == null) {
            c = owned(Thread.currentThread());
        }
        return c != null && c.open() > 0;
    }

    /** Whether the calling thread is running one of this domain's callbacks. */
    public boolean inCallback() {
        return worker == Thread.currentThread();
    }

    // ------------------------------------------------------------------ grace periods

    @Override
    public void synchronize() {
        checkNotRetired();
        if (inReadSection()) {
            throw new ModuleException(Errno.EDEADLK, "synchronize() on " + describe()
                    + " inside one of its own read-side sections would wait for itself");
        }
        try {
            gracePeriod(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, "interrupted while waiting for a grace period of " + describe());
        }
    }

    /**
     * A grace period that an interrupt does not cut short (unload must finish). No self-wait
     * check: the container checks {@link #inReadSection()} before it starts an unload.
     */
    public void synchronizeUninterruptibly() {
        try {
            gracePeriod(false); // defers an interrupt and sets it again when done
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible grace period was interrupted", e);
        }
    }

    private void gracePeriod(boolean interruptible) throws InterruptedException {
        VarHandle.fullFence(); // F: the caller's earlier stores before the snapshot (rcu_seq_snap's smp_mb)
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
                    start = now - 1; // the first 64 spins are microseconds
                    nextReport = start + stallNanos;
                } else if (now - nextReport >= 0) {
                    reportStall(idx, now - start);
                    nextReport = now + stallNanos;
                }
                LockSupport.parkNanos(Math.min(1_000_000L, 1_000L << Math.min(spins - 64, 10)));
            }
        }
    }

    /** Linux's "INFO: rcu detected stalls": dmesg and taint W; the wait goes on. */
    private void reportStall(int idx, long nanos) {
        String text = "srcu: INFO: " + describe() + " grace period stalled for " + TimeUnit.NANOSECONDS.toMillis(nanos)
                + " ms waiting for rank " + idx + ": " + activeReaders() + " reader(s) inside, " + cells.length
                + " reader cell(s); a module holds a read-side section open";
        KernelEvent.Draft stall = new KernelEvent.Draft(ModuleEvent.Type.GRACE_PERIOD_STALL, ModuleEvent.Level.WARNING, text)
                .module(owner).duration(nanos);
        if (taints != null) {
            taints.add(Taint.WARN, stall, log);
        } else if (log != null) {
            log.publish(stall);
        }
    }

    /** Whether no reader counted in rank {@code idx} is inside; see the notes. Under updateLock. */
    boolean readersIdle(int idx) {
        long unlocks = 0;
        for (SrcuReaderCell c : cells) {
            unlocks += c.unlocks(idx);
        }
        VarHandle.fullFence(); // A
        long locks = excess[idx];
        for (SrcuReaderCell c : cells) {
            locks += c.locks(idx);
        }
        if (unlocks > locks) { // only an unmatched unlock can do this: (1) in the notes
            long surplus = unlocks - locks;
            excess[idx] += surplus;
            report("srcu: " + describe() + ": " + surplus + " unmatched readUnlock(s) in rank " + idx
                    + "; counted as reads so grace periods can end");
            return false; // look again: readers inside may still be hidden by the surplus
        }
        return locks == unlocks;
    }

    /** Readers inside now, both ranks; exact only when no reader runs concurrently. */
    long activeReaders() {
        long n = 0;
        for (int idx = 0; idx < 2; idx++) {
            long locks = excess[idx];
            long unlocks = 0;
            for (SrcuReaderCell c : cells) {
                unlocks += c.unlocks(idx);
                locks += c.locks(idx);
            }
            n += locks - unlocks;
        }
        return n;
    }

    // ------------------------------------------------------------------ callbacks

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
            } catch (RejectedExecutionException e) {
                // the container is stopping: a thread of its own, never the caller's (it may be a reader)
                try {
                    Thread t = new Thread(this::drain, "kmod4j-srcu-" + describe());
                    t.setDaemon(true);
                    t.start();
                } catch (Throwable t) {
                    workerScheduled.set(false);
                    report("srcu: " + describe() + ": no thread to run callbacks (" + t + "); "
                            + pending.get() + " callback(s) wait for the next call or barrier");
                }
            }
        }
    }

    private void drain() {
        worker = Thread.currentThread();
        try {
            for (;;) {
                List<Runnable> batch = new ArrayList<>();
                for (Runnable r; (r = callbacks.poll()) != null;) {
                    batch.add(r);
                }
                if (batch.isEmpty()) {
                    worker = null;
                    workerScheduled.set(false);
                    if (callbacks.isEmpty() || !workerScheduled.compareAndSet(false, true)) {
                        return;
                    }
                    worker = Thread.currentThread();
                    continue;
                }
                synchronizeUninterruptibly();
                runBatch(batch);
            }
        } finally {
            if (worker == Thread.currentThread()) {
                worker = null;
            }
        }
    }

    private void runBatch(List<Runnable> batch) {
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

    @Override
    public void barrier() {
        if (inReadSection()) {
            throw new ModuleException(Errno.EDEADLK, "barrier() on " + describe()
                    + " inside one of its own read-side sections would wait for itself");
        }
        if (inCallback()) {
            throw new ModuleException(Errno.EDEADLK, "barrier() on " + describe()
                    + " from one of its own callbacks would wait for itself");
        }
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

    // ------------------------------------------------------------------ retirement and reports

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
