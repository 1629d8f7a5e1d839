package org.kmod4j.core.srcu;

/**
 * One rank of one thread's reader cell: what a guarded proxy call holds between its read lock
 * and its unlock. Preallocated per cell, so a call allocates nothing and unlocks without a
 * second thread-local lookup. Public only because generated proxy classes (in another class
 * loader) name it; not part of the API.
 */
public final class SrcuLane {
    private final SrcuReaderCell cell;
    private final int idx;

    SrcuLane(SrcuReaderCell cell, int idx) {
        this.cell = cell;
        this.idx = idx;
    }

    /**
     * Ends the read-side section on the thread that began it (a proxy call never hands off, so
     * this is the owner's unlock: nest and the rank's unlock count, as readUnlock on the owner).
     */
    public void unlock() {
        cell.unlockOwn(idx);
    }
}
