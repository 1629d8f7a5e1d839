package org.kmod4j.bench;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.core.Kernel;
import org.kmod4j.core.KernelLog;

/** A Kernel on the in-memory host (as the core unit tests build one), with a jar directory. */
public final class MemKernel implements AutoCloseable {
    public final BenchHost host = new BenchHost();
    public final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-srcu");
        t.setDaemon(true);
        return t;
    });
    public final Kernel kernel = new Kernel(host, executor, new KernelLog(256));
    public final Path dir = Jars.tempDir("kmod4j-bench");

    public Path jar(String name, Class<?> init) {
        return Jars.module(dir, name, init);
    }

    public Module load(Path jar) {
        return kernel.load(jar, LoadOptions.defaults());
    }

    public Module loadNew(String name) {
        return load(jar(name, NoopInit.class));
    }

    public void unload(String name) {
        kernel.unload(name, UnloadOptions.defaults());
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Jars.deleteTree(dir);
    }
}
