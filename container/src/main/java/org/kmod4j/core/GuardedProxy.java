package org.kmod4j.core;

import org.kmod4j.core.srcu.SrcuReaderCell;

/**
 * The superclass of every generated guarded proxy ({@link GuardedProxyClasses}). Each interface
 * method of a generated subclass runs:
 *
 * <pre>{@code
 * ServiceBinding b; Object t; SrcuLane lane;
 * do {
 *     b = fixed;
 *     if (b != null) { t = b.target; lane = b.lock(fixedReaders); }
 *     else { b = source.binding(); t = b.target; lane = b.lock(); }
 * } while (lane == null);
 * try { return ((Iface) t).m(args...); } finally { lane.unlock(); }
 * }</pre>
 *
 * ({@code fixed} is a fixed source's one binding and {@code fixedReaders} its reader table, held
 * here so that the read lock's cell is two loads from the proxy, as it is from a module in
 * {@code Module.enter()}: everything loaded before the lock's fence is on the call's critical path.)
 *
 * so a call allocates nothing, boxes nothing and cannot lose a call to a switch: a binding whose
 * module left LIVE between the two steps is asked for again. {@code equals}, {@code hashCode}
 * and {@code toString} are the proxy's own (identity; a description) and never enter a module.
 * Public only because generated classes, defined in another class loader, extend it.
 */
public abstract class GuardedProxy {
    protected final ServiceSource source;
    /** The binding of a {@link ServiceSource.Fixed} source, else null. */
    protected final ServiceBinding fixed;
    /** Its {@link ServiceBinding#readers()}, else null. */
    protected final SrcuReaderCell[] fixedReaders;
    private final String type;

    protected GuardedProxy(ServiceSource source, String type) {
        this.source = source;
        this.fixed = source instanceof ServiceSource.Fixed ? source.binding() : null;
        this.fixedReaders = fixed == null ? null : fixed.readers();
        this.type = type;
    }

    @Override
    public final boolean equals(Object other) {
        return this == other;
    }

    @Override
    public final int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public final String toString() {
        return "Guarded[" + type + " -> " + source.describe() + "]";
    }
}
