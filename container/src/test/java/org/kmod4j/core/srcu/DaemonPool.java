package org.kmod4j.core.srcu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A cached pool of daemon threads for the SRCU tests: a thread left waiting never holds the JVM. */
final class DaemonPool {
    private DaemonPool() {
    }

    static ExecutorService create(String name) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
