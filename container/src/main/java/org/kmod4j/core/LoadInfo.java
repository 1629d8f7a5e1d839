package org.kmod4j.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.kmod4j.api.LoadOptions;

/**
 * The working state of one load, passed down the load path: Linux's {@code struct load_info}.
 * What lives on after LIVE is in {@link KernelModule}; this is dropped when the load finishes.
 * Fields are written by the loading thread only, in order; other threads read only the
 * {@link WaitGraph} node and the finish latch (through {@link KernelModule#loading()}).
 */
final class LoadInfo extends WaitGraph.Node {
    final Path jar;
    final LoadOptions options;
    ModuleManifest manifest;
    Map<String, String> params;
    boolean permanent;
    ModuleSignature.Verdict verdict;
    KernelModule mod;
    /** The load event under way (its JFR event times the load). */
    KernelLog.Span span;
    /** Bundle ids the module is wired to, read once after resolve. */
    Set<Long> providers = Set.of();
    /**
     * A cascade replace ({@link CascadeReplacer}): the new instances loaded with this one, which
     * stay COMING after their init until the switch (linked to without waiting for them), and the
     * bundles of every old instance, which the new bundle must never be wired to.
     */
    Set<KernelModule> cascade = Set.of();
    Set<org.osgi.framework.Bundle> shunned = Set.of();

    private final CountDownLatch finished = new CountDownLatch(1);
    /** Loads waiting for this one to finish (same name, or a module that uses this one). */
    private final AtomicInteger waiters = new AtomicInteger();

    LoadInfo(Path jar, LoadOptions options) {
        this.jar = jar;
        this.options = options;
    }

    /** The load finished (LIVE or failed): wakes the loads waiting on it. */
    void finish() {
        finished.countDown();
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    /** Waits at most {@code millis} (forever if negative) for the load to finish; false on timeout. */
    boolean awaitFinished(long millis) throws InterruptedException {
        waiters.incrementAndGet();
        try {
            if (millis < 0) {
                finished.await();
                return true;
            }
            return finished.await(millis, TimeUnit.MILLISECONDS);
        } finally {
            waiters.decrementAndGet();
        }
    }

    int waiters() {
        return waiters.get();
    }

    String filename() {
        return manifest != null ? manifest.filename() : String.valueOf(jar == null ? "?" : jar.getFileName());
    }
}
