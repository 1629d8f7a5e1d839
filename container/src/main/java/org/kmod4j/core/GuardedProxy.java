package org.kmod4j.core;

/**
 * The superclass of every generated guarded proxy ({@link GuardedProxyClasses}). Each interface
 * method of a generated subclass runs:
 *
 * <pre>{@code
 * ServiceBinding b; SrcuLane lane;
 * do { b = source.binding(); lane = b.lock(); } while (lane == null);
 * try { return ((Iface) b.target).m(args...); } finally { lane.unlock(); }
 * }</pre>
 *
 * so a call allocates nothing, boxes nothing and cannot lose a call to a switch: a binding whose
 * module left LIVE between the two steps is asked for again. {@code equals}, {@code hashCode}
 * and {@code toString} are the proxy's own (identity; a description) and never enter a module.
 * Public only because generated classes, defined in another class loader, extend it.
 */
public abstract class GuardedProxy {
    protected final ServiceSource source;
    private final String type;

    protected GuardedProxy(ServiceSource source, String type) {
        this.source = source;
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
