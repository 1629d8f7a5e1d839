package org.kmod4j.core;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;

/**
 * The container's refcount protocol as Lincheck operations, shared by both models; each
 * model adds {@code references()} with its own concurrency.
 */
public abstract class ModuleRefcountProtocol {
    final ModuleRefcount rc = new ModuleRefcount();
    /** Per Lincheck thread: references that thread took and may put (its own ledger). */
    private final int[] held = new int[8];
    /** The loader's init reference; only the "unload" group (one thread) touches these. */
    private boolean initHeld = true;
    private boolean released;

    @Operation
    public boolean tryGet(@Param(gen = ThreadIdGen.class) int tid) {
        boolean ok = rc.tryGet();
        if (ok) {
            held[tid]++;
        }
        return ok;
    }

    /** null: this thread holds no reference, so a well-behaved caller would not put. */
    @Operation
    public Boolean put(@Param(gen = ThreadIdGen.class) int tid) {
        if (held[tid] == 0) {
            return null;
        }
        held[tid]--;
        return rc.put();
    }

    /** The loader drops the init reference once (ModuleLoader: putInit after init). */
    @Operation(nonParallelGroup = "unload")
    public Boolean putInit() {
        if (!initHeld) {
            return null;
        }
        initHeld = false;
        return rc.put();
    }

    /** null: already released (the module is GOING; unload does not release twice). */
    @Operation(nonParallelGroup = "unload")
    public Boolean tryRelease() {
        if (released) {
            return null;
        }
        boolean r = rc.tryRelease();
        released = r;
        return r;
    }
}
