package org.kmod4j.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.kmod4j.api.Module;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Row 4: reader latency (SampleTime percentiles) of registry lookups by name while a
 * background thread loads and unloads a module in a loop.
 *
 * <ul>
 * <li>{@code kmodFind}: Kernel.find(String) with 1,000 modules loaded; the churn thread runs
 * load+unload of one more module on the same kernel (each publishes a new snapshot).</li>
 * <li>{@code rwLockFind}: the baseline, {@link RwRegistry} (HashMap behind a
 * ReentrantReadWriteLock) with 1,000 entries; its churn thread does the same real load+unload
 * on a kernel of its own with 1,000 modules (same CPU work in the background) and puts the
 * module into the baseline registry under the write lock after the load and removes it before
 * the unload.</li>
 * </ul>
 * Only the state a benchmark method uses is created, so each method runs with its own churn.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class RegistryChurnBench {
    static final int N = 1000;
    static final String[] NAMES = new String[N];

    static {
        for (int i = 0; i < N; i++) {
            NAMES[i] = String.format("r%04d", i);
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int i;

        String next() {
            int n = i + 1;
            if (n == N) {
                n = 0;
            }
            i = n;
            return NAMES[n];
        }
    }

    /** A kernel with N modules and a thread loading/unloading one more in a loop. */
    abstract static class Churn {
        MemKernel mem;
        Thread churn;
        volatile boolean stop;
        final AtomicLong cycles = new AtomicLong();
        long started;

        void start(String label) {
            mem = new MemKernel();
            for (String n : NAMES) {
                mem.loadNew(n);
            }
            Path jar = mem.jar("churn", NoopInit.class);
            churn = new Thread(() -> {
                while (!stop) {
                    Module m = mem.load(jar);
                    afterLoad(m);
                    beforeUnload(m);
                    mem.unload("churn");
                    cycles.incrementAndGet();
                }
            }, "churn-" + label);
            churn.setDaemon(true);
            started = System.nanoTime();
            churn.start();
        }

        void afterLoad(Module m) {
        }

        void beforeUnload(Module m) {
        }

        void finish(String label) throws InterruptedException {
            stop = true;
            churn.join(30_000);
            double secs = (System.nanoTime() - started) / 1e9;
            System.out.printf("%n[churn %s] %d load+unload cycles in %.1f s (%.0f/s)%n", label, cycles.get(), secs, cycles.get() / secs);
            mem.close();
        }
    }

    @State(Scope.Benchmark)
    public static class KmodChurn extends Churn {
        @Setup
        public void setUp() {
            start("kmod");
        }

        @TearDown
        public void tearDown() throws InterruptedException {
            finish("kmod");
        }
    }

    @State(Scope.Benchmark)
    public static class RwChurn extends Churn {
        final RwRegistry<Object> registry = new RwRegistry<>();

        @Setup
        public void setUp() {
            for (String n : NAMES) {
                registry.put(n, n);
            }
            start("rwlock");
        }

        @Override
        void afterLoad(Module m) {
            registry.put(m.name(), m);
        }

        @Override
        void beforeUnload(Module m) {
            registry.remove(m.name());
        }

        @TearDown
        public void tearDown() throws InterruptedException {
            finish("rwlock");
        }
    }

    @Benchmark
    public Object kmodFind(KmodChurn s, Cursor c) {
        return s.mem.kernel.find(c.next());
    }

    @Benchmark
    public Object rwLockFind(RwChurn s, Cursor c) {
        return s.registry.get(c.next());
    }

    @Threads(1)
    public static class T1 extends RegistryChurnBench {
    }

    @Threads(2)
    public static class T2 extends RegistryChurnBench {
    }
}
