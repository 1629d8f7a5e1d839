package org.kmod4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The container's kernel-style event log (dmesg): loads, unloads, errors, vetoes, leaks,
 * taints, with seconds since the container started. A bounded ring; the oldest lines go first.
 */
public final class KernelLog {
    /** Severity, as printk levels. */
    public enum Level { ERR, WARNING, NOTICE, INFO }

    /** One line of the log. */
    public static final class Entry {
        public final long nanos;
        public final Level level;
        public final String text;

        Entry(long nanos, Level level, String text) {
            this.nanos = nanos;
            this.level = level;
            this.text = text;
        }

        /** {@code [   12.345678] text}, as dmesg prints it. */
        @Override
        public String toString() {
            return String.format("[%5d.%06d] %s", nanos / 1_000_000_000L, (nanos / 1_000L) % 1_000_000L, text);
        }
    }

    private final long start = System.nanoTime();
    private final int capacity;
    private final Entry[] ring;
    private long next;
    private final List<Consumer<Entry>> followers = new ArrayList<>();

    public KernelLog(int capacity) {
        this.capacity = capacity;
        this.ring = new Entry[capacity];
    }

    public void log(Level level, String text) {
        Entry e = new Entry(System.nanoTime() - start, level, text);
        List<Consumer<Entry>> copy;
        synchronized (this) {
            ring[(int) (next++ % capacity)] = e;
            copy = followers.isEmpty() ? List.of() : new ArrayList<>(followers);
        }
        for (Consumer<Entry> f : copy) {
            f.accept(e);
        }
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

    /** The lines still held, oldest first. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        long first = Math.max(0, next - capacity);
        for (long i = first; i < next; i++) {
            out.add(ring[(int) (i % capacity)]);
        }
        return out;
    }

    /** dmesg -c. */
    public synchronized void clear() {
        java.util.Arrays.fill(ring, null);
        next = 0;
    }

    /** dmesg -w: every new line is also handed to {@code follower}. */
    public synchronized AutoCloseable follow(Consumer<Entry> follower) {
        followers.add(follower);
        return () -> {
            synchronized (KernelLog.this) {
                followers.remove(follower);
            }
        };
    }
}
