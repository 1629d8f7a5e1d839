package org.kmod4j.core.srcu;

import org.kmod4j.api.SrcuDomain;

/**
 * An open read-side section. Closing on the thread that opened it counts the unlock in the
 * cell it already holds; on another thread, in that thread's own cell (cells have one writer).
 * A second close is ignored: counting an unlock twice would end a grace period early.
 */
public class SrcuReadGuard implements SrcuDomain.Guard {
    private final SrcuStruct domain;
    private final SrcuReaderCell cell;
    private final Thread thread;
    private final int idx;
    private boolean closed;

    SrcuReadGuard(SrcuStruct domain, SrcuReaderCell cell, int idx) {
        this.domain = domain;
        this.cell = cell;
        this.thread = Thread.currentThread();
        this.idx = idx;
    }

    /** Enters a read-side section of {@code domain} on the calling thread. */
    protected SrcuReadGuard(SrcuStruct domain) {
        this.domain = domain;
        this.cell = domain.cell();
        this.thread = Thread.currentThread();
        this.idx = domain.readLock(cell);
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() == thread) {
            cell.incrementUnlock(idx);
        } else {
            domain.readUnlock(idx);
        }
    }
}
