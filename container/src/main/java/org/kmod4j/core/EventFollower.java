package org.kmod4j.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.kmod4j.api.ModuleEventListener;

/**
 * One reader of the {@link KernelLog}: a daemon thread that hands each event, in sequence
 * order, to its listener, outside every lock. Its cursor is the next sequence number it wants;
 * when the ring has moved past it, it goes on from the oldest event held.
 */
final class EventFollower implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final KernelLog log;
    private final ModuleEventListener listener;
    private final Thread thread;
    private volatile boolean closed;
    private long cursor;
    private boolean reported;

    EventFollower(KernelLog log, long from, ModuleEventListener listener) {
        this.log = log;
        this.listener = listener;
        this.cursor = from;
        this.thread = new Thread(this::run, "kmod4j-events-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            List<KernelEvent> batch;
            try {
                batch = log.awaitFrom(cursor);
            } catch (InterruptedException e) {
                continue; // closed, or a stray interrupt: the loop condition decides
            }
            for (KernelEvent e : batch) {
                if (closed) {
                    return;
                }
                deliver(e);
                cursor = e.sequence() + 1;
            }
        }
    }

    private void deliver(KernelEvent e) {
        try {
            listener.event(e);
        } catch (Throwable t) {
            if (!reported) { // once: a listener that always throws must not flood the log it reads
                reported = true;
                log.warn("kmod4j: event listener " + listener + " threw " + t + " (ignored; not reported again)");
            }
        }
    }

    /** Stops deliveries; one already running finishes. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
