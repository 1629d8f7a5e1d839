package org.kmod4j.core.srcu;

import org.kmod4j.api.SrcuDomain;

/**
 * An open read-side section. Closing on the thread that opened it counts the unlock in the
 * cell it already holds; on another thread, in that thread's own cell (cells have one writer).
 * Only the first close counts, even when two threads close the guard at once (a CAS): counting
 * an unlock twice would end a grace period early, or leave every later one waiting.
 */
public class SrcuReadGuard implements SrcuDomain.Guard {
    private final SrcuStruct domain;
    private final SrcuReaderCell cell;
    private final Thread thread;
    private final int idx;
    private boolean closed;

    /** Enters a read-side section of {@code domain} on the calling thread. */
    protected SrcuReadGuard(SrcuStruct domain) {
        this(domain, domain.readerTable());
    }

    /** The same with the domain's {@link SrcuStruct#readerTable()}, kept by the caller. */
    protected SrcuReadGuard(SrcuStruct domain, SrcuReaderCell[] table) {
        this.domain = domain;
        this.cell = domain.cell(table);
        this.thread = Thread.currentThread();
        this.idx = domain.lockRank(cell);
    }

    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        domain.unlock(cell, thread, idx);
    }
}
