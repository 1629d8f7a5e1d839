package org.kmod4j.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.ModuleInfo;
import org.kmod4j.core.ModuleManifest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row 5, diagnosis: what every caller of a load pays before the merged-load check
 * (ModuleLoader.load reads the manifest and the SHA-256 digest of the whole jar first), for the
 * burst module's jar.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ManifestReadBench {
    MemKernel mem;
    Path jar;

    @Setup
    public void setUp() {
        mem = new MemKernel();
        jar = mem.jar("burst", SlowInit.class);
    }

    @TearDown
    public void tearDown() {
        mem.close();
    }

    @Benchmark
    public ModuleInfo manifestReadBeforeMerge() {
        return ModuleManifest.read(jar);
    }
}
