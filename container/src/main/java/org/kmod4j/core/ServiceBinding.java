package org.kmod4j.core;

import org.kmod4j.api.ModuleState;
import org.kmod4j.core.srcu.SrcuLane;
import org.kmod4j.core.srcu.SrcuReaderCell;
import org.kmod4j.core.srcu.SrcuStruct;

/**
 * One service object of one module, as a guarded proxy calls it. Immutable; a proxy that follows
 * a service swaps whole bindings. Public only because generated proxy classes name it.
 */
public final class ServiceBinding {
    /** The service object; the proxy casts it to the interface it implements. */
    public final Object target;
    final KernelModule module;
    private final SrcuStruct domain;
    /** The domain's reader table, kept here: a call's read lock reaches its cell one load sooner. */
    private final SrcuReaderCell[] readers;
    /** Whether a failed lock throws (a proxy of one module) instead of asking for another binding. */
    private final boolean fixed;

    ServiceBinding(KernelModule module, Object target, boolean fixed) {
        this.module = module;
        this.target = target;
        this.domain = (SrcuStruct) module.domain();
        this.readers = domain.readerTable();
        this.fixed = fixed;
    }

    /**
     * Opens a read-side section on the module's default domain if the module is LIVE: the
     * guard's protocol ({@link KernelModule#enter()}) without the guard object.
     *
     * @return the lane to unlock when the call returns, or null if the module is not LIVE (no
     *     section is left open then) and the proxy may ask its source again
     * @throws org.kmod4j.api.ModuleException if the module is not LIVE and this binding is the
     *     proxy's only one: EBUSY while COMING, ENOENT once GOING
     */
    public SrcuLane lock() {
        return lock(readers);
    }

    /**
     * {@link #lock()} with this binding's {@link #readers()}, kept by the caller: a proxy of one
     * module keeps them beside the binding, so a call reaches its reader cell one load sooner.
     *
     * @throws IllegalArgumentException if {@code table} is not this binding's domain's
     */
    public SrcuLane lock(SrcuReaderCell[] table) {
        KernelModule m = module; // loaded before the fence (the binding is immutable): only state waits for it
        SrcuLane lane = domain.readLockLane(table);
        ModuleState s = m.state(); // read after readLock's fence, as in enter()
        if (s != ModuleState.LIVE) {
            lane.unlock();
            if (fixed) {
                throw m.notLive(s);
            }
            return null;
        }
        return lane;
    }

    /** The reader table of the module's default domain (not API: the core keeps it, never writes it). */
    public SrcuReaderCell[] readers() {
        return readers;
    }

    boolean live() {
        return module.state() == ModuleState.LIVE;
    }

    @Override
    public String toString() {
        return module.name() + ": " + target;
    }
}
