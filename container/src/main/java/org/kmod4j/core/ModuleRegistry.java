package org.kmod4j.core;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The list of modules: Linux's {@code modules} list and {@code mod_tree}. Readers call
 * {@link #snapshot()} and never block; writers hold {@link #mutex} (Linux {@code module_mutex})
 * while they check and publish, and never hold it across a module's init or exit.
 *
 * <p>Implementation notes: the snapshot is immutable and fully built before the volatile write
 * that publishes it, so a reader that sees the new reference sees complete indexes (safe
 * publication). Per-module fields that change later (state, references) are volatile or atomic
 * in {@link KernelModule}, so a reader holding an old snapshot still sees a module's current
 * state, the way an RCU reader of Linux's list reads {@code mod->state}.
 */
final class ModuleRegistry {
    final ReentrantLock mutex = new ReentrantLock();
    private volatile RegistrySnapshot snapshot = RegistrySnapshot.EMPTY;

    RegistrySnapshot snapshot() {
        return snapshot;
    }

    /** Publishes a new snapshot; the caller holds {@link #mutex}. */
    void publish(RegistrySnapshot next) {
        assert mutex.isHeldByCurrentThread();
        snapshot = next;
    }
}
