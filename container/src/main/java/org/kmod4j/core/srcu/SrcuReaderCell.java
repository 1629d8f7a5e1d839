package org.kmod4j.core.srcu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * One thread's reader counters in one {@link SrcuStruct}: Linux's per-CPU {@code srcu_data}
 * with {@code srcu_lock_count[2]} and {@code srcu_unlock_count[2]}, made per thread. Only the
 * owning thread writes a cell, so a reader never contends on a cache line; the padding keeps
 * cells of different threads off each other's lines (the role of {@code @Contended} in
 * Striped64, without needing {@code -XX:-RestrictContended}).
 */
final class SrcuReaderCell {
    static final VarHandle LOCK0;
    static final VarHandle LOCK1;
    static final VarHandle UNLOCK0;
    static final VarHandle UNLOCK1;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK0 = l.findVarHandle(SrcuReaderCell.class, "lock0", long.class);
            LOCK1 = l.findVarHandle(SrcuReaderCell.class, "lock1", long.class);
            UNLOCK0 = l.findVarHandle(SrcuReaderCell.class, "unlock0", long.class);
            UNLOCK1 = l.findVarHandle(SrcuReaderCell.class, "unlock1", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // 7 longs before and after the counters: no other cell shares their 64-byte line
    long p01, p02, p03, p04, p05, p06, p07;
    long lock0, lock1, unlock0, unlock1;
    long p11, p12, p13, p14, p15, p16, p17;

    /** Weak, so a cell never keeps a dead thread's object alive; a cleared owner is dead. */
    final WeakReference<Thread> owner;

    /** This cell's two ranks as objects, so a guarded proxy call can unlock without a lookup. */
    final SrcuLane lane0 = new SrcuLane(this, 0);
    final SrcuLane lane1 = new SrcuLane(this, 1);

    SrcuReaderCell(Thread owner) {
        this.owner = new WeakReference<>(owner);
    }

    SrcuLane lane(int idx) {
        return idx == 0 ? lane0 : lane1;
    }

    /** Owner only. A full fence follows, in {@link SrcuStruct#readLock()}. */
    void incrementLock(int idx) {
        if (idx == 0) {
            LOCK0.setOpaque(this, lock0 + 1);
        } else {
            LOCK1.setOpaque(this, lock1 + 1);
        }
    }

    /** Owner only. Release: the read-side section's accesses happen before it. */
    void incrementUnlock(int idx) {
        if (idx == 0) {
            UNLOCK0.setRelease(this, unlock0 + 1);
        } else {
            UNLOCK1.setRelease(this, unlock1 + 1);
        }
    }

    long locks(int idx) {
        return idx == 0 ? (long) LOCK0.getAcquire(this) : (long) LOCK1.getAcquire(this);
    }

    long unlocks(int idx) {
        return idx == 0 ? (long) UNLOCK0.getAcquire(this) : (long) UNLOCK1.getAcquire(this);
    }

    boolean ownerDead() {
        Thread t = owner.get();
        return t == null || !t.isAlive();
    }
}
