package org.kmod4j.core;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A copy of a throwable from module code that keeps its class name, message, stack trace and
 * causes as text. Holding the original would pin the module's class loader long after the
 * module is gone: its class may be the module's, and the JVM's backtrace of any throwable holds
 * the classes of the frames it passed through. A failed load keeps such a copy as its cause,
 * so a shell's "last exception" does not leak the module that failed.
 */
public final class DetachedThrowable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String className;

    private DetachedThrowable(String className, String message) {
        super(message);
        this.className = className;
    }

    /** The copy, or null for null. */
    public static Throwable of(Throwable t) {
        return copy(t, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static Throwable copy(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return null;
        }
        DetachedThrowable d = new DetachedThrowable(
                t instanceof DetachedThrowable ? ((DetachedThrowable) t).className : t.getClass().getName(), t.getMessage());
        d.setStackTrace(t.getStackTrace());
        Throwable cause = copy(t.getCause(), seen);
        if (cause != null) {
            d.initCause(cause);
        }
        for (Throwable s : t.getSuppressed()) {
            Throwable c = copy(s, seen);
            if (c != null) {
                d.addSuppressed(c);
            }
        }
        return d;
    }

    /** The original throwable's class name. */
    public String className() {
        return className;
    }

    /** No backtrace of our own: the copied stack trace is the one that matters. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    @Override
    public String toString() {
        String m = getLocalizedMessage();
        return m == null ? className : className + ": " + m;
    }
}
