package org.kmod4j.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntUnaryOperator;

import org.kmod4j.api.Guarded;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.SrcuDomain;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Row 1: the guarded enter/exit pair on a LIVE module beside the primitives a Java user would
 * use instead. Every object is shared by all benchmark threads (Scope.Benchmark), so at two
 * threads the shared-cache-line schemes contend and the SRCU read side should not. Average
 * time per pair, per thread. The 1- and 2-thread variants are the subclasses
 * {@link T1} and {@link T2}, so one run measures all of them side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class GuardBench {
    MemKernel mem;
    Module module;
    SrcuDomain domain;
    FelixSupport felix;
    BundleContext felixContext;
    ServiceReference<Runnable> felixRef;

    final AtomicLong atomic = new AtomicLong();
    final ReentrantReadWriteLock rwl = new ReentrantReadWriteLock();
    final ReentrantReadWriteLock.ReadLock readLock = rwl.readLock();
    final StampedLock stamped = new StampedLock();

    final IntUnaryOperator direct = x -> x + 1;
    IntUnaryOperator guardedProxy;
    int arg;

    @Setup
    public void setUp() {
        mem = new MemKernel();
        module = mem.loadNew("guarded");
        domain = module.domain();
        guardedProxy = Guarded.service(module, IntUnaryOperator.class, direct);
        felix = FelixSupport.start();
        felixContext = felix.context;
        Runnable service = () -> { };
        felixRef = felixContext.registerService(Runnable.class, service, null).getReference();
    }

    @TearDown
    public void tearDown() {
        felix.close();
        mem.close();
    }

    /** Module.enter() + close: SRCU read lock on the module's default domain plus the LIVE check. */
    @Benchmark
    public void kmodGuardPair() {
        try (ModuleGuard g = module.enter()) {
            // the guarded section
        }
    }

    /** The raw domain: readLock + readUnlock. */
    @Benchmark
    public void kmodSrcuReadLockUnlock() {
        int idx = domain.readLock();
        domain.readUnlock(idx);
    }

    /** The domain's own guard: SrcuDomain.enter() + close (one thread-local lookup, no LIVE check). */
    @Benchmark
    public void kmodSrcuGuard() {
        try (SrcuDomain.Guard g = domain.enter()) {
            // the read-side section
        }
    }

    @Benchmark
    public long atomicLongPair() {
        atomic.getAndIncrement();
        return atomic.getAndIncrement();
    }

    @Benchmark
    public void rwLockReadPair() {
        readLock.lock();
        readLock.unlock();
    }

    @Benchmark
    public void stampedReadPair() {
        long s = stamped.readLock();
        stamped.unlockRead(s);
    }

    @Benchmark
    public boolean stampedOptimisticValidate() {
        long s = stamped.tryOptimisticRead();
        return stamped.validate(s);
    }

    @Benchmark
    public Object felixGetUngetService() {
        Object o = felixContext.getService(felixRef);
        felixContext.ungetService(felixRef);
        return o;
    }

    /** A call through {@code Guarded.service(module, IntUnaryOperator.class, x -> x + 1)}: a generated hidden class. */
    @Benchmark
    public int kmodGuardedProxyCall() {
        return guardedProxy.applyAsInt(arg);
    }

    /** The guard pair around the same direct call: what the proxy call is compared with (the target: ≤ this + 1.5 ns). */
    @Benchmark
    public int kmodGuardPairAroundDirectCall() {
        try (ModuleGuard g = module.enter()) {
            return direct.applyAsInt(arg);
        }
    }

    /** The same call, direct (through the interface). */
    @Benchmark
    public int directCall() {
        return direct.applyAsInt(arg);
    }

    /**
     * The physical floor of a read-side pair in Java: what SRCU's read lock and unlock must do
     * with the reader's counters already in hand (an opaque increment of a line the thread owns,
     * one full fence, the LIVE check's volatile read, a release increment). Per thread, so it
     * shares nothing at two threads.
     */
    @Benchmark
    public boolean fenceFloorPair(Counters own) {
        own.lock();
        boolean live = this.live;
        own.unlock();
        return live;
    }

    /** The floor reached through a ThreadLocal, as the read side found its cell before: the lookup's cost. */
    @Benchmark
    public boolean fenceFloorPairThreadLocal() {
        Counters own = counters.get();
        own.lock();
        boolean live = this.live;
        own.unlock();
        return live;
    }

    volatile boolean live = true;
    final ThreadLocal<Counters> counters = ThreadLocal.withInitial(Counters::new);

    /** One thread's padded lock and unlock counters (an SRCU reader cell's shape). */
    @State(Scope.Thread)
    public static class Counters {
        private static final VarHandle LOCK;
        private static final VarHandle UNLOCK;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                LOCK = l.findVarHandle(Counters.class, "locks", long.class);
                UNLOCK = l.findVarHandle(Counters.class, "unlocks", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long p01, p02, p03, p04, p05, p06, p07;
        long locks, unlocks;
        long p11, p12, p13, p14, p15, p16, p17;

        void lock() {
            LOCK.setOpaque(this, locks + 1);
            VarHandle.fullFence();
        }

        void unlock() {
            UNLOCK.setRelease(this, unlocks + 1);
        }
    }

    @Threads(1)
    public static class T1 extends GuardBench {
    }

    @Threads(2)
    public static class T2 extends GuardBench {
    }
}
