package org.kmod4j.core.srcu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * One thread's reader counters in one {@link SrcuStruct}: Linux's per-CPU {@code srcu_data}
 * with {@code srcu_lock_count[2]} and {@code srcu_unlock_count[2]}, made per thread. Only the
 * owning thread writes the counters, so a reader never contends on a cache line; the padding
 * keeps cells of different threads off each other's lines (the role of {@code @Contended} in
 * Striped64, without needing {@code -XX:-RestrictContended}).
 *
 * <p>A cell outlives its thread: once the owner is dead and none of the sections it opened is
 * still open elsewhere, the next thread that registers takes the cell over (counts and all), so
 * the number of cells stays bounded by the threads alive at once, whatever the thread pool.
 *
 * <p>Public only so that the core can keep a domain's {@link SrcuStruct#readerTable() table} of
 * cells beside the domain; every member is package-private.
 */
public final class SrcuReaderCell {
    private static final VarHandle LOCK0;
    private static final VarHandle LOCK1;
    private static final VarHandle UNLOCK0;
    private static final VarHandle UNLOCK1;
    private static final VarHandle NEST;
    private static final VarHandle DEPARTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK0 = l.findVarHandle(SrcuReaderCell.class, "lock0", long.class);
            LOCK1 = l.findVarHandle(SrcuReaderCell.class, "lock1", long.class);
            UNLOCK0 = l.findVarHandle(SrcuReaderCell.class, "unlock0", long.class);
            UNLOCK1 = l.findVarHandle(SrcuReaderCell.class, "unlock1", long.class);
            NEST = l.findVarHandle(SrcuReaderCell.class, "nest", long.class);
            DEPARTED = l.findVarHandle(SrcuReaderCell.class, "departed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // 7 longs before and after the counters: no other cell shares their 64-byte line
    long p01, p02, p03, p04, p05, p06, p07;
    long lock0, lock1, unlock0, unlock1;
    /** Owner only: sections opened on this cell minus those the owner closed. */
    long nest;
    /** Sections opened on this cell and closed on another thread (atomic adds by those threads). */
    long departed;
    long p11, p12, p13, p14, p15, p16, p17;

    /** The position in the domain's cell array; bits 1..31 of the tokens readLock returns. */
    final int id;
    /** {@code id << 1}: a token is {@code tokenBase | rank}. */
    final int tokenBase;

    /** Weak, so a cell never keeps a dead thread's object alive; a cleared owner is dead. */
    private volatile WeakReference<Thread> owner;
    /** Owner only: lookups that missed the domain's table; the owner retries taking its slot now and then. */
    private int misses;

    /** This cell's two ranks as objects, so a guarded proxy call can unlock without a lookup. */
    final SrcuLane lane0 = new SrcuLane(this, 0);
    final SrcuLane lane1 = new SrcuLane(this, 1);

    SrcuReaderCell(int id, Thread owner) {
        this.id = id;
        this.tokenBase = id << 1;
        this.owner = new WeakReference<>(owner);
    }

    SrcuLane lane(int idx) {
        return idx == 0 ? lane0 : lane1;
    }

    /** Owner only. A full fence follows, in {@link SrcuStruct#readLock(SrcuReaderCell)}. */
    void incrementLock(int idx) {
        if (idx == 0) {
            LOCK0.setOpaque(this, lock0 + 1);
        } else {
            LOCK1.setOpaque(this, lock1 + 1);
        }
        NEST.setOpaque(this, nest + 1);
    }

    /** Owner only: ends a section this thread opened on this cell. */
    void unlockOwn(int idx) {
        NEST.setOpaque(this, nest - 1);
        incrementUnlock(idx);
    }

    /**
     * Owner only. Release: the read-side section's accesses happen before it. Counts the unlock
     * of a section opened on this cell or, for a section handed over, on another thread's cell.
     */
    void incrementUnlock(int idx) {
        if (idx == 0) {
            UNLOCK0.setRelease(this, unlock0 + 1);
        } else {
            UNLOCK1.setRelease(this, unlock1 + 1);
        }
    }

    /** Any thread but the owner: a section opened on this cell was closed elsewhere. */
    void depart() {
        DEPARTED.getAndAdd(this, 1L);
    }

    /**
     * Sections opened on this cell and still open (on any thread). Exact for the owner. For
     * another thread, departed is read first (acquire): a departure it sees was preceded by the
     * opening of that section, whose nest increment the later nest read then sees.
     */
    long open() {
        long d = (long) DEPARTED.getAcquire(this);
        return (long) NEST.getAcquire(this) - d;
    }

    long locks(int idx) {
        return idx == 0 ? (long) LOCK0.getAcquire(this) : (long) LOCK1.getAcquire(this);
    }

    long unlocks(int idx) {
        return idx == 0 ? (long) UNLOCK0.getAcquire(this) : (long) UNLOCK1.getAcquire(this);
    }

    /** refersTo, not get: no keep-alive barrier on the read side's path. */
    boolean ownedBy(Thread t) {
        return owner.refersTo(t);
    }

    /** The owner, or null once it is collected. */
    Thread owner() {
        return owner.get();
    }

    /** Owner only: whether this miss of the domain's table should try to take the slot (the first, then every 1024th). */
    boolean retrySlot() {
        return (misses++ & 1023) == 0;
    }

    /**
     * Whether a new thread may take this cell: its owner is dead (its last writes happen before
     * we see it dead: JLS 17.4.4) and no section opened on it is open on another thread.
     */
    boolean reclaimable() {
        Thread t = owner.get();
        return (t == null || !t.isAlive()) && open() == 0;
    }

    /** Under the domain's cells lock, after {@link #reclaimable()}. */
    void claim(Thread t) {
        owner = new WeakReference<>(t);
        misses = 0;
    }
}
