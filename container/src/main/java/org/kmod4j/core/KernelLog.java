package org.kmod4j.core;

import java.util.ArrayList;
import java.util.List;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleEvent.Level;
import org.kmod4j.api.ModuleEvent.Type;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.Taint;
import org.kmod4j.core.jfr.GracePeriodEvent;
import org.kmod4j.core.jfr.InitFailureEvent;
import org.kmod4j.core.jfr.ModuleLoadEvent;
import org.kmod4j.core.jfr.ModuleUnloadEvent;
import org.kmod4j.core.jfr.TaintEvent;

/**
 * The container's kernel-style event log (dmesg): typed, numbered {@link KernelEvent}s with
 * nanoseconds since the container started, in a bounded ring (the oldest go first). Followers
 * ({@link #follow}) read it on threads of their own, so publishing never runs listener code.
 * The timed events (load, unload, grace period) are also JFR events, begun where the action
 * starts ({@link Span}) and committed with the log event.
 */
public final class KernelLog {
    private final long start = System.nanoTime();
    private final int capacity;
    private final KernelEvent[] ring;
    /** The sequence number of the next event. */
    private long next;
    /** The oldest sequence number still held (moves on overflow and on clear). */
    private long first;

    public KernelLog(int capacity) {
        this.capacity = capacity;
        this.ring = new KernelEvent[capacity];
    }

    /** Numbers, stamps and stores an event and wakes the followers. */
    public KernelEvent publish(KernelEvent.Draft draft) {
        KernelEvent e;
        synchronized (this) {
            e = new KernelEvent(next, System.nanoTime() - start, draft);
            ring[(int) (next % capacity)] = e;
            next++;
            first = Math.max(first, next - capacity);
            notifyAll();
        }
        if (draft.type == Type.INIT_FAILURE) {
            InitFailureEvent.commit(draft.module, String.valueOf(draft.errno), draft.text);
        } else if (draft.type == Type.TAINT) {
            TaintEvent.commit(draft.taint, draft.module, draft.text);
        }
        return e;
    }

    public KernelEvent log(Level level, String text) {
        return publish(new KernelEvent.Draft(Type.MESSAGE, level, text));
    }

    public void info(String text) {
        log(Level.INFO, text);
    }

    public void warn(String text) {
        log(Level.WARNING, text);
    }

    public void error(String text) {
        log(Level.ERR, text);
    }

    /** A module's own message or a line about one module. */
    public void module(String module, Level level, String text) {
        publish(new KernelEvent.Draft(Type.MESSAGE, level, text).module(module));
    }

    /** A timed action in progress: when it started, and its JFR event (begun). */
    public static final class Span {
        final long startNanos = System.nanoTime();
        final jdk.jfr.Event jfr;

        Span(jdk.jfr.Event jfr) {
            this.jfr = jfr;
            jfr.begin();
        }

        long elapsed() {
            return System.nanoTime() - startNanos;
        }
    }

    public Span loadStarted() {
        return new Span(new ModuleLoadEvent());
    }

    public void loaded(KernelModule mod, String text, Span span) {
        publish(new KernelEvent.Draft(Type.LOAD, Level.INFO, text).module(mod.name()).duration(span.elapsed()));
        ((ModuleLoadEvent) span.jfr).commit(mod.name(), mod.version(), mod.filename());
    }

    /**
     * A replace's new instance is LIVE: a REPLACE event, and in JFR the new instance's
     * {@code ModuleLoad} (the span began with the replace).
     */
    public void replaced(KernelModule mod, String text, Span span) {
        publish(new KernelEvent.Draft(Type.REPLACE, Level.INFO, text).module(mod.name()).duration(span.elapsed()));
        ((ModuleLoadEvent) span.jfr).commit(mod.name(), mod.version(), mod.filename());
    }

    /**
     * A replaced instance is freed: only JFR's {@code ModuleUnload} (with its grace period and
     * exit); the log said "replaced" already, and the name is still loaded.
     */
    public void replacedFreed(String module, Span span, ModuleTeardown.Times times) {
        ((ModuleUnloadEvent) span.jfr).commit(module, false, times.gracePeriodNanos, times.exitNanos);
    }

    public Span unloadStarted() {
        return new Span(new ModuleUnloadEvent());
    }

    public void unloaded(String module, boolean forced, String text, Span span, ModuleTeardown.Times times) {
        publish(new KernelEvent.Draft(Type.UNLOAD, Level.INFO, text).module(module).duration(span.elapsed())
                .unload(times.gracePeriodNanos, times.exitNanos));
        ((ModuleUnloadEvent) span.jfr).commit(module, forced, times.gracePeriodNanos, times.exitNanos);
    }

    public Span gracePeriodStarted(String module, int domains) {
        publish(new KernelEvent.Draft(Type.GRACE_PERIOD_START, Level.DEBUG,
                module + ": grace period started on " + domains + " srcu domain(s)").module(module));
        return new Span(new GracePeriodEvent());
    }

    /** @return the nanoseconds the grace period took */
    public long gracePeriodEnded(String module, int domains, Span span) {
        long took = span.elapsed();
        publish(new KernelEvent.Draft(Type.GRACE_PERIOD_END, Level.DEBUG,
                module + ": grace period ended after " + took / 1_000 + " us").module(module).duration(took));
        ((GracePeriodEvent) span.jfr).commit(module, domains);
        return took;
    }

    public void initFailed(String module, Errno errno, String text) {
        publish(new KernelEvent.Draft(Type.INIT_FAILURE, Level.ERR, text).module(module).errno(errno));
    }

    /**
     * A load that failed before its module ran (an unresolved requirement: Linux's "Unknown
     * symbol" line): insmod prints the error, dmesg keeps it for whoever looks later.
     */
    public void loadFailed(String module, Errno errno, String text) {
        publish(new KernelEvent.Draft(Type.MESSAGE, Level.ERR, text).module(module).errno(errno));
    }

    /**
     * The exception a module's code threw and the module's own frames, one line each, as an
     * oops prints its call trace: the frames stop at the container's, at most {@code maxFrames}.
     */
    public void trace(String module, Throwable t, int maxFrames) {
        String prefix = module + ": ";
        boolean first = true;
        // a cause chain can loop (A caused by B caused by A): stop at a repeat, as printStackTrace does
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            publish(new KernelEvent.Draft(Type.MESSAGE, Level.ERR, prefix + (first ? "" : "Caused by: ") + c).module(module));
            first = false;
            int shown = 0;
            for (StackTraceElement f : c.getStackTrace()) {
                if (f.getClassName().startsWith("org.kmod4j.core.") || shown++ == maxFrames) {
                    break;
                }
                publish(new KernelEvent.Draft(Type.MESSAGE, Level.ERR, prefix + "    at " + f).module(module));
            }
        }
    }

    /** The lines still held, oldest first. */
    public List<KernelEvent> entries() {
        return entries(0);
    }

    /** The events still held numbered {@code from} or later, oldest first. */
    public synchronized List<KernelEvent> entries(long from) {
        List<KernelEvent> out = new ArrayList<>();
        for (long i = Math.max(from, first); i < next; i++) {
            out.add(ring[(int) (i % capacity)]);
        }
        return out;
    }

    /** dmesg -c: drops every event held and returns them; numbering goes on. */
    public synchronized List<KernelEvent> clear() {
        List<KernelEvent> held = entries(0);
        java.util.Arrays.fill(ring, null);
        first = next;
        return held;
    }

    /**
     * Delivers the events held from {@code from} on, then each new one, to {@code listener} on
     * a thread of its own, until the handle is closed.
     */
    public AutoCloseable follow(long from, ModuleEventListener listener) {
        long start;
        synchronized (this) {
            start = Math.min(from, next); // Long.MAX_VALUE: what comes next
        }
        return new EventFollower(this, start, listener);
    }

    /** Waits until an event numbered {@code from} or later is held, then returns those held. */
    synchronized List<KernelEvent> awaitFrom(long from) throws InterruptedException {
        while (Math.max(from, first) >= next) {
            wait();
        }
        return entries(from);
    }
}
