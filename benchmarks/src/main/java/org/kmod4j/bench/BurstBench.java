package org.kmod4j.bench;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row 5: 256 concurrent loads of one module whose init sleeps 100 ms (in-memory host), one shot
 * per iteration: the 256 threads are started and parked at a gate before the clock starts; the
 * shot opens the gate and waits until every load returned. Its peer, {@code serialLoads}, loads
 * and unloads the same module {@code serialN} times one after another (each load pays its init);
 * 256 serialized loads are that time × 256 / serialN (linear: nothing is shared between them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BurstBench {
    static final int BURST = 256;

    @Param("8")
    public int serialN;

    MemKernel mem;
    Path jar;
    ExecutorService pool;
    CountDownLatch gate;
    CountDownLatch done;
    final AtomicInteger gotModule = new AtomicInteger();
    final AtomicInteger eexist = new AtomicInteger();
    final AtomicInteger other = new AtomicInteger();
    final AtomicReference<Module> first = new AtomicReference<>();
    final AtomicInteger distinct = new AtomicInteger();

    @Setup(Level.Iteration)
    public void setUp() throws InterruptedException {
        mem = new MemKernel();
        jar = mem.jar("burst", SlowInit.class);
        gotModule.set(0);
        eexist.set(0);
        other.set(0);
        distinct.set(0);
        first.set(null);
        SlowInit.INITS.set(0);
        pool = Executors.newFixedThreadPool(BURST);
        gate = new CountDownLatch(1);
        done = new CountDownLatch(BURST);
        CountDownLatch ready = new CountDownLatch(BURST);
        for (int i = 0; i < BURST; i++) {
            pool.execute(() -> {
                ready.countDown();
                try {
                    gate.await();
                    Module m = mem.load(jar);
                    gotModule.incrementAndGet();
                    if (!first.compareAndSet(null, m) && first.get() != m) {
                        distinct.incrementAndGet();
                    }
                } catch (ModuleException e) {
                    (e.errno() == Errno.EEXIST ? eexist : other).incrementAndGet();
                } catch (Throwable t) {
                    other.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        ready.await();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        pool.shutdownNow();
        if (gate.getCount() == 0 && done.getCount() == 0) {
            System.out.printf("%n[burst] %d loads returned the module (%d different objects), %d EEXIST, %d other errors; inits run: %d%n",
                    gotModule.get(), distinct.get(), eexist.get(), other.get(), SlowInit.INITS.get());
        }
        mem.close();
    }

    @Benchmark
    public void burst256Concurrent() throws InterruptedException {
        gate.countDown();
        done.await();
    }

    @Benchmark
    public void serialLoads() {
        for (int i = 0; i < serialN; i++) {
            mem.load(jar);
            mem.unload("burst");
        }
    }
}
