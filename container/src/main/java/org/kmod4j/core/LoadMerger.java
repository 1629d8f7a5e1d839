package org.kmod4j.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * Concurrent loads of the same request share one load: Linux's {@code idempotent_init_module}
 * (kernel/module/main.c, 9b9879fc0327). The first caller runs the load, every caller that
 * arrives while it runs waits on that load's own future (no global wake-up) and gets its
 * result: the same module, or an error with the same code and message. Sequential,
 * non-overlapping loads are not merged. A waiter that is interrupted gets EINTR (Linux
 * 2124d84db293) and the load goes on for the others. The same merging serves
 * {@code request_module} by name (Linux kernel/module/dups.c).
 *
 * <p>A wait that would close a cycle in the {@link WaitGraph} (an init loading its own jar, two
 * inits loading each other's) fails with the caller's EDEADLK instead. The leader holds no lock
 * while it runs, so a waiter never waits on a leader that waits for a lock the waiter holds.
 * The entry is removed before the future completes, so a caller arriving after the result is
 * known runs a load of its own instead of getting a stale result.
 */
final class LoadMerger<T> {
    private static final class Flight<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final WaitGraph.Node leader;

        Flight(WaitGraph.Node leader) {
            this.leader = leader;
        }
    }

    private final ConcurrentHashMap<String, Flight<T>> inFlight = new ConcurrentHashMap<>();
    private final WaitGraph graph;

    LoadMerger(WaitGraph graph) {
        this.graph = graph;
    }

    /**
     * @param leader the node the calling thread acts for while it leads (already entered)
     * @param deadlock the error for a wait that would close a cycle
     */
    T load(String key, WaitGraph.Node leader, Supplier<T> load, Supplier<ModuleException> deadlock) {
        Flight<T> mine = new Flight<>(leader);
        Flight<T> first = inFlight.putIfAbsent(key, mine);
        if (first != null) {
            return await(first, deadlock);
        }
        T m;
        try {
            m = load.get();
        } catch (RuntimeException | Error e) {
            inFlight.remove(key, mine);
            mine.result.completeExceptionally(e);
            throw e;
        }
        inFlight.remove(key, mine);
        mine.result.complete(m);
        return m;
    }

    /** The result of the load of {@code key} in flight, or null if none is (tests). */
    CompletableFuture<T> inFlight(String key) {
        Flight<T> f = inFlight.get(key);
        return f == null ? null : f.result;
    }

    private T await(Flight<T> first, Supplier<ModuleException> deadlock) {
        if (!graph.beginWait(first.leader)) {
            throw deadlock.get();
        }
        try {
            return first.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, "interrupted while waiting for a concurrent request of the same module");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ModuleException) {
                ModuleException me = (ModuleException) cause;
                throw new ModuleException(me.errno(), me.getMessage(), me);
            }
            throw new ModuleException(Errno.EIO, "the concurrent request of the same module failed: " + cause, cause);
        } finally {
            graph.endWait();
        }
    }
}
