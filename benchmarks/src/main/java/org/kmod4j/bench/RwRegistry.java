package org.kmod4j.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** The baseline registry of row 4: a HashMap behind a ReentrantReadWriteLock. */
public final class RwRegistry<V> {
    private final Map<String, V> map = new HashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    public V get(String name) {
        lock.readLock().lock();
        try {
            return map.get(name);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void put(String name, V v) {
        lock.writeLock().lock();
        try {
            map.put(name, v);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void remove(String name) {
        lock.writeLock().lock();
        try {
            map.remove(name);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
