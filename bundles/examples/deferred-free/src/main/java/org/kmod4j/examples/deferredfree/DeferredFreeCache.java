package org.kmod4j.examples.deferredfree;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.kmod4j.api.SrcuDomain;

/**
 * A bounded cache with lock-free lookups and deferred frees: readers run inside a read-side
 * section of an SRCU domain; evicted entries are released by a callback queued with
 * {@link SrcuDomain#call(Runnable)}, which runs only after every reader that might still see them
 * has left.
 */
final class DeferredFreeCache {

    /** A cached value standing for a resource that must not be used once released. */
    static final class Entry {
        final String key;
        private final String value;
        private volatile boolean released;

        Entry(String key) {
            this.key = key;
            this.value = "value of " + key;
        }

        String read() {
            if (released) {
                throw new IllegalStateException("use after free: " + key);
            }
            return value;
        }

        void release() {
            released = true;
        }
    }

    private final SrcuDomain domain;
    private final int capacity;
    private final Consumer<String> log;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Insertion order, for eviction; guarded by {@code this}. */
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private int evicted;

    DeferredFreeCache(SrcuDomain domain, int capacity, Consumer<String> log) {
        this.domain = domain;
        this.capacity = capacity;
        this.log = log;
    }

    /** The value for {@code key}, inserting it (and evicting the oldest entry) on a miss. */
    String lookup(String key) {
        try (SrcuDomain.Guard reader = domain.enter()) {
            Entry e = entries.get(key);
            if (e == null) {
                e = insert(key);
            }
            // safe: an entry unlinked while we are inside is released only after we leave
            return e.read();
        }
    }

    private synchronized Entry insert(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            return e;
        }
        e = new Entry(key);
        entries.put(key, e);
        order.addLast(e);
        while (order.size() > capacity) {
            Entry oldest = order.removeFirst();
            entries.remove(oldest.key);
            evicted++;
            retire(oldest);
        }
        return e;
    }

    /** Unlinks every entry and queues their release; returns how many. Does not wait. */
    synchronized int clear() {
        int n = order.size();
        while (!order.isEmpty()) {
            Entry e = order.removeFirst();
            entries.remove(e.key);
            retire(e);
        }
        return n;
    }

    synchronized int evicted() {
        return evicted;
    }

    /** The entry is unlinked: free it once no reader can hold it (Linux call_srcu + kfree). */
    private void retire(Entry e) {
        domain.call(() -> {
            e.release();
            log.accept("freed " + e.key + " after a grace period");
        });
    }
}
