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

    /**
     * Begins a read-side section; returns the token to pass to {@link #readUnlock(int)} (opaque:
     * it names the rank and the opening thread's reader cell).
     */
    int readLock();

    /**
     * Ends a read-side section begun by {@link #readLock()}; any thread may call it. A section
     * counts as its opening thread's until it is closed, wherever it is closed (Linux lockdep's
     * rule for srcu_read_lock): see {@link #synchronize()}.
     *
     * @throws ModuleException EINVAL (logged, taint W) if the token's section is not open: an
     *     unmatched unlock would otherwise end grace periods early or stall every later one
     * @throws IllegalArgumentException if {@code token} did not come from this domain's readLock
     */
    void readUnlock(int token);

    /** Begins a read-side section as a closeable guard. */
    Guard enter();

    /**
     * Waits for a grace period. Must not be called inside a read-side section of this domain:
     * a thread that opened a section of this domain that is still open (on any thread) gets
     * EDEADLK at once instead of waiting for itself. A grace period that waits on a reader for
     * long is reported (dmesg, taint W) and goes on waiting.
     *
     * @throws ModuleException EDEADLK inside a read-side section of this domain, EINTR if
     *     interrupted, EINVAL after {@link #cleanup()}
     */
    void synchronize();

    /**
     * Runs {@code callback} once, on a container executor, after every reader that began
     * before this call has left. Callbacks run in the order they were queued.
     */
    void call(Runnable callback);

    /**
     * Waits until every callback queued before this call has run.
     *
     * @throws ModuleException EDEADLK inside a read-side section of this domain or from one of
     *     its callbacks (either would wait for itself), EINTR if interrupted
     */
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

    /** A read-side section as a closeable; only the first close counts, from whichever thread. */
    @ProviderType
    interface Guard extends AutoCloseable {
        /** Ends the read-side section. */
        @Override
        void close();
    }
}
