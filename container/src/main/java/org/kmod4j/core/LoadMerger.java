package org.kmod4j.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * Concurrent loads of the same request share one load: Linux's {@code idempotent_init_module}
 * (kernel/module/main.c, 9b9879fc0327). The key is the file's content digest plus the load
 * options; the first caller runs the load, every caller that arrives while it runs waits on
 * that load's own future (no global wake-up) and gets its result: the same module, or an error
 * with the same code and message. Sequential, non-overlapping loads are not merged. A waiter
 * that is interrupted gets EINTR (Linux 2124d84db293) and the load goes on for the others.
 * The same merging serves {@code request_module} by name (Linux kernel/module/dups.c).
 */
final class LoadMerger<T> {
    private final ConcurrentHashMap<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();

    T load(String key, Supplier<T> load) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> first = inFlight.putIfAbsent(key, mine);
        if (first != null) {
            return await(first);
        }
        // the entry goes before the future completes: a caller that comes after the result is
        // known starts a load of its own instead of getting this (possibly stale) one
        T m;
        try {
            m = load.get();
        } catch (RuntimeException | Error e) {
            inFlight.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
        inFlight.remove(key, mine);
        mine.complete(m);
        return m;
    }

    private static <T> T await(CompletableFuture<T> first) {
        try {
            return first.get();
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
        }
    }
}
