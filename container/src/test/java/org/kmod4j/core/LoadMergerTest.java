package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;

/**
 * A merged load's entry is gone before its result is published: a caller
 * that arrives once the result is known starts a load of its own instead of being handed the
 * finished one (by then possibly unloaded again).
 */
public class LoadMergerTest {

    private static <T> CompletableFuture<T> inFlight(LoadMerger<T> merger, String key) throws ReflectiveOperationException {
        return merger.inFlight(key);
    }

    private static <T> T load(LoadMerger<T> merger, String key, java.util.function.Supplier<T> body) {
        return merger.load(key, new WaitGraph.Node(), body, () -> new org.kmod4j.api.ModuleException(org.kmod4j.api.Errno.EDEADLK, "no cycle here"));
    }

    /**
     * The late caller runs as a dependent of the leader's future: CompletableFuture runs it
     * inside complete(), on the leader's thread, at the first instant the result is published.
     */
    @Test
    public void aCallerArrivingAfterTheResultIsPublishedGetsALoadOfItsOwn() {
        LoadMerger<String> merger = new LoadMerger<>(new WaitGraph());
        AtomicReference<String> late = new AtomicReference<>();
        String first = load(merger, "k", () -> {
            CompletableFuture<String> mine;
            try {
                mine = inFlight(merger, "k");
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            assertNotNull("the leader's own entry", mine);
            mine.thenRun(() -> late.set(load(merger, "k", () -> "second load")));
            return "first load";
        });
        assertEquals("first load", first);
        assertEquals("the late caller was handed the finished load", "second load", late.get());
    }

    @Test
    public void aFailedLoadsEntryIsGoneBeforeTheFailureIsPublished() {
        LoadMerger<String> merger = new LoadMerger<>(new WaitGraph());
        AtomicReference<String> late = new AtomicReference<>();
        try {
            load(merger, "k", () -> {
                try {
                    inFlight(merger, "k").whenComplete((v, t) -> late.set(load(merger, "k", () -> "retry")));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
                throw new IllegalStateException("init failed");
            });
        } catch (IllegalStateException expected) {
            // the leader's own failure
        }
        assertEquals("retry", late.get());
    }
}
