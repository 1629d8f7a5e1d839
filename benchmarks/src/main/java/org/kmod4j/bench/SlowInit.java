package org.kmod4j.bench;

import java.util.concurrent.atomic.AtomicInteger;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;

/** A Module-Init whose init takes {@link #INIT_MILLIS} ms (sleeping, as a module waiting on I/O). */
public final class SlowInit implements ModuleInit {
    public static final long INIT_MILLIS = 100;
    public static final AtomicInteger INITS = new AtomicInteger();

    @Override
    public void init(ModuleContext context) throws InterruptedException {
        INITS.incrementAndGet();
        Thread.sleep(INIT_MILLIS);
    }
}
