package org.kmod4j.core;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.Taint;

/** A set of taints that only grows, updated without a lock (Linux {@code add_taint}). */
public final class TaintFlags {
    private final AtomicInteger bits = new AtomicInteger();

    /** @return whether the taint is new */
    public boolean add(Taint t) {
        int bit = 1 << t.ordinal();
        return (bits.getAndUpdate(b -> b | bit) & bit) == 0;
    }

    /**
     * Linux {@code add_taint} with its printk: logs why, adds the taint, and logs the container's
     * new taint the first time.
     *
     * @param log may be null (nothing is logged)
     */
    public void add(Taint t, String why, KernelLog log) {
        add(t, new KernelEvent.Draft(ModuleEvent.Type.TAINT, ModuleEvent.Level.WARNING, why).taint(t), log);
    }

    /** {@link #add(Taint, String, KernelLog)} with the event that says why (a LEAK, say). */
    public void add(Taint t, KernelEvent.Draft why, KernelLog log) {
        if (log != null) {
            log.publish(why);
        }
        if (add(t) && log != null) {
            log.publish(new KernelEvent.Draft(ModuleEvent.Type.TAINT, ModuleEvent.Level.WARNING,
                    "kmod4j: container tainted: " + t.letter()).taint(t));
        }
    }

    public Set<Taint> get() {
        int b = bits.get();
        Set<Taint> out = EnumSet.noneOf(Taint.class);
        for (Taint t : Taint.values()) {
            if ((b & (1 << t.ordinal())) != 0) {
                out.add(t);
            }
        }
        return out;
    }
}
