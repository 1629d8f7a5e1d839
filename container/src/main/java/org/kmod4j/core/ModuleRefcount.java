package org.kmod4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A module's reference count with a base reference: the algorithm of Linux commit e513cc1c07e2
 * ("module: Remove stop_machine from module unloading", Masami Hiramatsu, Linux 3.19), which lets unload decide
 * "unused" without stopping anyone.
 *
 * <p>Implementation notes. The count starts at {@link #BASE} plus one reference held for init.
 * {@link #tryGet()} increments only a non-zero count (Linux {@code atomic_inc_not_zero});
 * {@link #put()} decrements only a positive one ({@code atomic_dec_if_positive}).
 * {@link #tryRelease()} (unload) subtracts the base: if that leaves zero, nobody holds a
 * reference and none can be taken again, because every increment is a CAS from a non-zero
 * value. If references remain it adds the base back, unless the count dropped to zero in
 * between (the last holder put its reference): then the unload succeeds after all. All steps
 * are CAS or atomic add on one int, so every transition is linearizable at its successful
 * atomic operation; no lock is taken and no thread waits. Zero is absorbing: once
 * {@code tryRelease} has seen or made zero, the count never leaves it, which is what lets the
 * unload proceed without a lock against {@code tryGet}.
 *
 * <p>Where kmod4j differs: the base is {@code 2^30}, not Linux's 1. With a base of 1 a put
 * without a get silently consumes the base (Linux only warns once the count goes negative).
 * With a large base the count reads exactly {@code BASE} when the base is held and nobody has a
 * reference, so such a put is refused and reported; and a count below {@code BASE} can only be
 * the short window inside {@code tryRelease} where the base is off and real references
 * remain, in which every put is legitimate. References are bounded by {@code 2^31-1-BASE}.
 */
public final class ModuleRefcount {
    /** Linux {@code MODULE_REF_BASE}, made large; see the notes. */
    public static final int BASE = 1 << 30;

    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(ModuleRefcount.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through COUNT
    private volatile int count = BASE + 1;

    /** Takes a reference unless the count is zero (the module is going). */
    public boolean tryGet() {
        int c = count;
        while (c != 0) {
            int witness = (int) COUNT.compareAndExchange(this, c, c + 1);
            if (witness == c) {
                return true;
            }
            c = witness;
        }
        return false;
    }

    /**
     * Drops a reference.
     *
     * @return false if there was none to drop (a put without a get): the count is left as it
     *     was, never wrapped below zero
     */
    public boolean put() {
        int c = count;
        while (c > 0 && c != BASE) {
            int witness = (int) COUNT.compareAndExchange(this, c, c - 1);
            if (witness == c) {
                return true;
            }
            c = witness;
        }
        return false;
    }

    /** Drops the reference held for init (loader only, once). */
    void putInit() {
        put();
    }

    /**
     * Linux {@code try_release_module_ref}: subtracts the base reference.
     *
     * @return true if the module is now unused (count zero, no new reference can be taken);
     *     false if references remain, in which case the base has been restored
     */
    public boolean tryRelease() {
        int left = (int) COUNT.getAndAdd(this, -BASE) - BASE;
        if (left < 0) {
            // only reachable when the base was already released: restore and report busy
            COUNT.getAndAdd(this, BASE);
            throw new IllegalStateException("base reference released twice");
        }
        if (left == 0) {
            return true;
        }
        int c = count;
        while (c != 0) {
            int witness = (int) COUNT.compareAndExchange(this, c, c + BASE);
            if (witness == c) {
                return false;
            }
            c = witness;
        }
        return true;
    }

    /**
     * Gives back the base a successful {@link #tryRelease()} took, for a cascade replace that
     * gives up after releasing some of its old instances because a later one is in use (no
     * Linux counterpart: Linux never releases several modules as one step). Only under the module
     * mutex, while the module is still LIVE; a {@link #tryGet()} in the window failed as if the
     * module were going.
     */
    void restoreBase() {
        if (!COUNT.compareAndSet(this, 0, BASE)) {
            throw new IllegalStateException("base reference not released");
        }
    }

    /** References beyond the base: Linux {@code module_refcount()}; -1 once released. */
    public int references() {
        int c = count;
        return c == 0 ? -1 : c >= BASE ? c - BASE : c;
    }
}
