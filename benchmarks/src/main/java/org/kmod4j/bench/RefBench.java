package org.kmod4j.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

/** Row 2: Module.tryGet()/put() on a LIVE module vs an AtomicInteger increment/decrement pair. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class RefBench {
    MemKernel mem;
    Module module;
    final AtomicInteger counter = new AtomicInteger();

    @Setup
    public void setUp() {
        mem = new MemKernel();
        module = mem.loadNew("refs");
    }

    @TearDown
    public void tearDown() {
        if (module.refcount() != 0) {
            throw new IllegalStateException("refcount after the run: " + module.refcount());
        }
        mem.close();
    }

    @Benchmark
    public void kmodTryGetPut() {
        if (module.tryGet()) {
            module.put();
        }
    }

    @Benchmark
    public int atomicIntegerPair() {
        counter.incrementAndGet();
        return counter.decrementAndGet();
    }

    @Threads(1)
    public static class T1 extends RefBench {
    }

    @Threads(2)
    public static class T2 extends RefBench {
    }
}
