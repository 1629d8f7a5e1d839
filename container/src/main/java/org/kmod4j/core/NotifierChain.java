package org.kmod4j.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;

/**
 * The module notifier chain (Linux {@code module_notify_list}): higher priority first, FIFO
 * within a priority. The chain is copy-on-write, so calling it takes no lock and a notifier may
 * (un)register notifiers, or load modules, from its callback.
 */
public final class NotifierChain {
    private static final Comparator<Entry> ORDER =
            Comparator.comparingInt((Entry e) -> -e.priority).thenComparingLong(e -> e.sequence);

    private static final class Entry {
        final ModuleNotifier notifier;
        final int priority;
        final long sequence;

        Entry(ModuleNotifier notifier, int priority, long sequence) {
            this.notifier = notifier;
            this.priority = priority;
            this.sequence = sequence;
        }
    }

    private final KernelLog log;
    private final AtomicLong sequence = new AtomicLong();
    private volatile List<Entry> chain = List.of();
    /** A notifier running longer is abandoned (0: wait forever, as Linux). */
    private volatile long timeoutMillis;
    private final ExecutorService callers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kmod4j-notifier");
        t.setDaemon(true);
        return t;
    });

    public NotifierChain(KernelLog log) {
        this.log = log;
    }

    /**
     * Bounds each notifier call: a COMING notifier that runs longer vetoes the load with
     * ETIMEDOUT, a LIVE or GOING one is reported and skipped. Its thread is abandoned.
     */
    public void timeout(long millis) {
        this.timeoutMillis = millis;
    }

    /** Adds a notifier; registering the same one twice is ignored (Linux: WARN + -EEXIST). */
    public synchronized void register(ModuleNotifier notifier, int priority) {
        Objects.requireNonNull(notifier, "notifier");
        for (Entry e : chain) {
            if (e.notifier == notifier) {
                log.warn("notifier " + notifier + " registered twice; ignored");
                return;
            }
        }
        List<Entry> next = new ArrayList<>(chain);
        next.add(new Entry(notifier, priority, sequence.incrementAndGet()));
        next.sort(ORDER);
        chain = List.copyOf(next);
    }

    public synchronized void unregister(ModuleNotifier notifier) {
        List<Entry> next = new ArrayList<>(chain);
        next.removeIf(e -> e.notifier == notifier);
        chain = List.copyOf(next);
    }

    /**
     * COMING, robust: a notifier that throws a {@link ModuleException} vetoes the load; the
     * notifiers already called then get GOING, in order, and the veto is rethrown. Linux
     * {@code blocking_notifier_call_chain_robust(COMING, GOING)}.
     */
    void coming(KernelModule module) {
        List<Entry> snapshot = chain;
        for (int i = 0; i < snapshot.size(); i++) {
            Entry e = snapshot.get(i);
            try {
                invoke(e, ModuleState.COMING, module);
            } catch (ModuleException veto) {
                log.publish(new KernelEvent.Draft(ModuleEvent.Type.NOTIFIER_VETO, ModuleEvent.Level.ERR, module.name()
                        + ": load vetoed by notifier " + e.notifier + ": " + veto.errno() + " " + veto.getMessage())
                        .module(module.name()).errno(veto.errno()));
                for (int j = 0; j < i; j++) {
                    call(snapshot.get(j), ModuleState.GOING, module);
                }
                throw veto;
            } catch (Throwable t) {
                reportThrow(e, ModuleState.COMING, module, t);
            }
        }
    }

    void live(KernelModule module) {
        for (Entry e : chain) {
            call(e, ModuleState.LIVE, module);
        }
    }

    void going(KernelModule module) {
        for (Entry e : chain) {
            call(e, ModuleState.GOING, module);
        }
    }

    private void call(Entry e, ModuleState event, KernelModule module) {
        try {
            invoke(e, event, module);
        } catch (Throwable t) {
            reportThrow(e, event, module, t);
        }
    }

    /** The call itself, on this thread, or on a helper thread when a timeout is set. */
    private void invoke(Entry e, ModuleState event, KernelModule module) throws Throwable {
        long timeout = timeoutMillis;
        if (timeout <= 0) {
            e.notifier.moduleEvent(event, module);
            return;
        }
        Future<?> call = callers.submit(() -> {
            e.notifier.moduleEvent(event, module);
            return null;
        });
        try {
            call.get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException x) {
            throw x.getCause();
        } catch (InterruptedException x) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, "interrupted while notifier " + e.notifier + " ran " + event);
        } catch (TimeoutException x) {
            call.cancel(true);
            log.error("notifier " + e.notifier + " did not return from " + event + " of " + module.name() + " in " + timeout
                    + " ms; abandoned");
            throw new ModuleException(Errno.ETIMEDOUT, "notifier " + e.notifier + " timed out on " + event);
        }
    }

    private void reportThrow(Entry e, ModuleState event, KernelModule module, Throwable t) {
        log.error("notifier " + e.notifier + " threw on " + event + " of " + module.name() + ": " + t + " (ignored)");
    }

    /** Stops the threads of bounded notifier calls. */
    void close() {
        callers.shutdownNow();
    }
}
