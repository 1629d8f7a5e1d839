package org.kmod4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.Module;
import org.kmod4j.bench.mod.ModuleBundles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * Row 3: lookups with 1,000 modules loaded (in-memory host) vs Felix's own bundle lookups with
 * 1,000 tiny bundles installed and resolved (each with its own copy of Probe). Every call looks
 * up the next of the 1,000 (a per-thread cursor; the same cursor cost for every method).
 * {@code kmodFindName1} is find(String) with a single module loaded: "1,000 modules: lookups
 * unaffected".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class LookupBench {
    static final int N = 1000;

    MemKernel mem;
    MemKernel memOne;
    String[] names = new String[N];
    Class<?>[] kmodClasses = new Class<?>[N];
    FelixSupport felix;
    long[] bundleIds = new long[N];
    Class<?>[] felixClasses = new Class<?>[N];

    @State(Scope.Thread)
    public static class Cursor {
        int i;

        int next() {
            int n = i + 1;
            if (n == N) {
                n = 0;
            }
            i = n;
            return n;
        }
    }

    @Setup
    public void setUp() throws Exception {
        mem = new MemKernel();
        for (int i = 0; i < N; i++) {
            names[i] = String.format("m%04d", i);
            Module m = mem.loadNew(names[i]);
            ClassLoader loader = mem.host.installed.get(m.bundle().getBundleId()).classLoader();
            kmodClasses[i] = loader.loadClass(BenchHost.ProbeLoader.PROBE);
            if (mem.kernel.find(kmodClasses[i]).orElse(null) != m) {
                throw new IllegalStateException("find(Class) does not find " + names[i]);
            }
        }
        memOne = new MemKernel();
        memOne.loadNew(names[0]);

        felix = FelixSupport.start();
        List<Bundle> bundles = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            Bundle b = felix.context.installBundle(ModuleBundles.probeBundle(felix.dir, i).toUri().toString());
            bundles.add(b);
            bundleIds[i] = b.getBundleId();
        }
        if (!felix.wiring.resolveBundles(bundles)) {
            throw new IllegalStateException("tiny bundles did not resolve");
        }
        for (int i = 0; i < N; i++) {
            felixClasses[i] = bundles.get(i).loadClass(BenchHost.ProbeLoader.PROBE);
            if (FrameworkUtil.getBundle(felixClasses[i]) != bundles.get(i)) {
                throw new IllegalStateException("FrameworkUtil.getBundle does not find bundle " + i);
            }
        }
    }

    @TearDown
    public void tearDown() {
        felix.close();
        mem.close();
        memOne.close();
    }

    @Benchmark
    public Optional<Module> kmodFindName(Cursor c) {
        return mem.kernel.find(names[c.next()]);
    }

    @Benchmark
    public Optional<Module> kmodFindName1(Cursor c) {
        c.next();
        return memOne.kernel.find(names[0]);
    }

    @Benchmark
    public Optional<Module> kmodFindClass(Cursor c) {
        return mem.kernel.find(kmodClasses[c.next()]);
    }

    @Benchmark
    public Bundle felixGetBundleById(Cursor c) {
        return felix.context.getBundle(bundleIds[c.next()]);
    }

    @Benchmark
    public Bundle felixFrameworkUtilGetBundle(Cursor c) {
        return FrameworkUtil.getBundle(felixClasses[c.next()]);
    }

    /** lsmod: every formed module as one snapshot (1,000 entries). */
    @Benchmark
    public List<Module> kmodModulesList() {
        return mem.kernel.modules();
    }

    /** Felix's listing: BundleContext.getBundles() (1,001 entries with the system bundle). */
    @Benchmark
    public Bundle[] felixGetBundles() {
        return felix.context.getBundles();
    }
}
