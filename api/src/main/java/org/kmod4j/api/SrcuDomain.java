package org.kmod4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A sleepable read-copy-update domain, modelled on Linux SRCU. Readers are cheap, take no lock
 * and write no shared cache line; they may block and nest. Updaters wait for a grace period:
 * every reader that began before it has left.
 *
 * <pre>{@code
 * int idx = domain.readLock();
 * try {
 *     use(shared.get());
 * } finally {
 *     domain.readUnlock(idx);
 * }
 * // or
 * try (SrcuDomain.Guard g = domain.enter()) {
 *     use(shared.get());
 * }
 * }</pre>
 */
@ProviderType
public interface SrcuDomain {

    /** The domain's name within its module ("default" for the module's own). */
    String name();

    /** Begins a read-side section; returns the index to pass to {@link #readUnlock(int)}. */
    int readLock();

    /** Ends a read-side section begun by {@link #readLock()}; any thread may call it. */
    void readUnlock(int index);

    /** Begins a read-side section as a closeable guard. */
    Guard enter();

    /**
     * Waits for a grace period. Must not be called inside a read-side section of this domain.
     *
     * @throws ModuleException EINTR if interrupted, EINVAL after {@link #cleanup()}
     */
    void synchronize();

    /**
     * Runs {@code callback} once, on a container executor, after every reader that began
     * before this call has left. Callbacks run in the order they were queued.
     */
    void call(Runnable callback);

    /** Waits until every callback queued before this call has run. */
    void barrier();

    /**
     * Retires the domain. Reports (and leaks rather than runs) callbacks still queued and
     * readers still inside; afterwards {@link #synchronize()} and {@link #call(Runnable)} fail
     * with EINVAL. Readers are not checked (that would cost every reader a load): a module's
     * guarded entry checks the module's state instead, see {@link Module#enter()}.
     *
     * @return whether the domain was clean: no reader inside, no callback pending
     */
    boolean cleanup();

    /** Grace periods completed so far. */
    long gracePeriods();

    /** Callbacks queued and not yet run. */
    long callbacksPending();

    /** Whether {@link #call(Runnable)} was ever used; only such domains pay a barrier at unload. */
    boolean hadCallbacks();

    /** A read-side section as a closeable; close it exactly once. */
    @ProviderType
    interface Guard extends AutoCloseable {
        /** Ends the read-side section. */
        @Override
        void close();
    }
}
