package org.kmod4j.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.kmod4j.api.ModuleException;

/**
 * The list of modules: Linux's {@code modules} list and {@code mod_tree}. Readers call
 * {@link #snapshot()} and never block; writers change it only through the methods below, which
 * hold the module mutex (Linux {@code module_mutex}) while they check and publish. The mutex is
 * never held across module code, a host call, a grace period or any other wait except
 * {@link #awaitInstalls}, which releases it while it waits.
 *
 * <p>Implementation notes: the snapshot is immutable and fully built before the volatile write
 * that publishes it, so a reader that sees the new reference sees complete indexes (safe
 * publication). Per-module fields that change later (state, references) are volatile or atomic
 * in {@link KernelModule}, so a reader holding an old snapshot still sees a module's current
 * state, the way an RCU reader of Linux's list reads {@code mod->state}. A module's bundle is
 * indexed under the mutex as soon as the host installed it; until then the module is in
 * {@code installing}, so a load that finds a provider bundle it does not know can tell "not a
 * module" from "a module whose install has not been indexed yet" and wait for the latter.
 */
final class ModuleRegistry {
    private final ReentrantLock mutex = new ReentrantLock();
    private final Condition indexed = mutex.newCondition();
    private volatile RegistrySnapshot snapshot = RegistrySnapshot.EMPTY;
    /** Modules whose bundle install is under way; under the mutex. */
    private final Set<KernelModule> installing = new HashSet<>();

    RegistrySnapshot snapshot() {
        return snapshot;
    }

    /**
     * Runs {@code body} holding the module mutex: a state transition. The body must not call
     * module code or wait.
     *
     * @param interrupted the error if the caller is interrupted while it waits for the mutex
     */
    <T> T locked(Supplier<T> body, Supplier<ModuleException> interrupted) {
        try {
            mutex.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted.get();
        }
        try {
            return body.get();
        } finally {
            mutex.unlock();
        }
    }

    /** Whether the calling thread holds the module mutex (checks of the locking rules). */
    boolean isLockedByCurrentThread() {
        return mutex.isHeldByCurrentThread();
    }

    /** Whether any thread holds the module mutex (checks at quiescence). */
    boolean isLocked() {
        return mutex.isLocked();
    }

    /** Publishes a new snapshot; inside {@link #locked}. */
    void publish(RegistrySnapshot next) {
        assert mutex.isHeldByCurrentThread();
        snapshot = next;
    }

    /**
     * Linux {@code add_unformed_module}: reserves the name for {@code mod} (UNFORMED) unless an
     * entry holds it.
     *
     * @return null if reserved, else the entry holding the name
     */
    KernelModule reserve(KernelModule mod, Supplier<ModuleException> interrupted) {
        return locked(() -> {
            KernelModule old = snapshot.entry(mod.name());
            if (old == null) {
                publish(snapshot.with(mod));
            }
            return old;
        }, interrupted);
    }

    /**
     * Replace: reserves {@code mod} (UNFORMED) beside the entry that holds its name, left out of
     * the by-name index (shadowed), once {@code check} accepted that entry (it throws to refuse;
     * it gets null if no entry holds the name).
     *
     * @return the entry {@code mod} replaces
     */
    KernelModule reserveBeside(KernelModule mod, Consumer<KernelModule> check, Supplier<ModuleException> interrupted) {
        return locked(() -> {
            KernelModule old = snapshot.entry(mod.name());
            check.accept(old);
            mod.shadowed(true);
            mod.replaces(old);
            old.replacement(mod);
            publish(snapshot.with(mod));
            return old;
        }, interrupted);
    }

    /**
     * Cascade replace, inside {@link #locked}: reserves each of {@code mods} (UNFORMED, shadowed)
     * beside the instance at the same index of {@code olds}, in one publish.
     */
    void reserveAllBeside(List<KernelModule> mods, List<KernelModule> olds) {
        assert mutex.isHeldByCurrentThread();
        RegistrySnapshot next = snapshot;
        for (int i = 0; i < mods.size(); i++) {
            KernelModule mod = mods.get(i);
            mod.shadowed(true);
            mod.replaces(olds.get(i));
            olds.get(i).replacement(mod);
            next = next.with(mod);
        }
        publish(next);
    }

    /**
     * Cascade replace, inside {@link #locked}: every name moves from its old instance to its new
     * one in one publish.
     */
    void moveNames(List<KernelModule> olds, List<KernelModule> mods) {
        assert mutex.isHeldByCurrentThread();
        olds.forEach(o -> o.shadowed(true));
        mods.forEach(m -> m.shadowed(false));
        publish(snapshot.reindexed());
    }

    /**
     * Replace, inside {@link #locked}: the name moves from {@code old} to {@code mod} in one
     * publish, so a lookup by name sees exactly one of them.
     */
    void moveName(KernelModule old, KernelModule mod) {
        assert mutex.isHeldByCurrentThread();
        old.shadowed(true);
        mod.shadowed(false);
        publish(snapshot.reindexed());
    }

    /** Replace, after the switch: the old instance, no longer named, goes GOING. */
    void replacedGoing(KernelModule old) {
        mutex.lock(); // must not be skipped by an interrupt: the old instance has to go
        try {
            old.state(org.kmod4j.api.ModuleState.GOING);
        } finally {
            mutex.unlock();
        }
    }

    /** Replace finished (either way): {@code old} may be replaced or unloaded again. */
    void replaceDone(KernelModule old) {
        mutex.lock(); // must not be skipped by an interrupt
        try {
            old.replacement(null);
        } finally {
            mutex.unlock();
        }
    }

    /** Before the host installs {@code mod}'s bundle. */
    void installing(KernelModule mod, Supplier<ModuleException> interrupted) {
        locked(() -> installing.add(mod), interrupted);
    }

    /**
     * The host installed {@code mod}'s bundle ({@code hosted}), or failed to (null): index it,
     * so lookups by bundle find it from here on, and wake loads waiting for installs.
     */
    void installed(KernelModule mod, BundleHost.Hosted hosted) {
        mutex.lock(); // must not be skipped by an interrupt: the install has to be accounted for
        try {
            installing.remove(mod);
            if (hosted != null) {
                mod.hosted(hosted);
                publish(snapshot.reindexed());
            }
            indexed.signalAll();
        } finally {
            mutex.unlock();
        }
    }

    /** Modules other than {@code self} whose install is under way; inside {@link #locked}. */
    Set<KernelModule> installsInFlight(KernelModule self) {
        assert mutex.isHeldByCurrentThread();
        Set<KernelModule> s = new HashSet<>(installing);
        s.remove(self);
        return s;
    }

    /**
     * Inside {@link #locked}: waits, releasing the mutex meanwhile, until none of {@code those}
     * is still installing or the deadline passes.
     *
     * @return false on timeout
     */
    boolean awaitInstalls(Set<KernelModule> those, long deadlineNanos) throws InterruptedException {
        assert mutex.isHeldByCurrentThread();
        for (;;) {
            boolean any = false;
            for (KernelModule m : those) {
                any |= installing.contains(m);
            }
            if (!any) {
                return true;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            indexed.await(left, TimeUnit.NANOSECONDS);
        }
    }

    /** Linux {@code module_unload_free} + list removal: drops {@code mod}'s use links and entry. */
    List<KernelModule> remove(KernelModule mod) {
        mutex.lock(); // a free must finish: not interruptible
        try {
            List<KernelModule> dropped = mod.dropUses();
            publish(snapshot.without(mod));
            installing.remove(mod);
            indexed.signalAll();
            return dropped;
        } finally {
            mutex.unlock();
        }
    }
}
