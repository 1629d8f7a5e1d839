package org.kmod4j.bench;

import java.util.concurrent.TimeUnit;

import org.kmod4j.core.jfr.GracePeriodEvent;
import org.kmod4j.core.jfr.ModuleLoadEvent;
import org.kmod4j.core.jfr.ModuleUnloadEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Row 6 diagnosis: what the JFR events cost one load+unload cycle, measured alone (a cycle takes
 * milliseconds, so row 6 itself cannot resolve nanoseconds). The events a cycle creates, begins
 * and commits, as {@code KernelLog} does (load, unload, one grace period), against the same
 * field values consumed without events. Run it without and with a recording
 * ({@code -jvmArgsAppend -XX:StartFlightRecording=...}): without one it should cost nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrEventBench {
    String module = "hello";
    String version = "1.0.0";
    String file = "/tmp/hello.jar";
    long grace = 1234;
    long exit = 567;

    /** The three events of one load+unload cycle: begun, then committed with their fields. */
    @Benchmark
    public void cycleEvents() {
        ModuleLoadEvent load = new ModuleLoadEvent();
        load.begin();
        load.commit(module, version, file);
        ModuleUnloadEvent unload = new ModuleUnloadEvent();
        unload.begin();
        GracePeriodEvent gp = new GracePeriodEvent();
        gp.begin();
        gp.commit(module, 1);
        unload.commit(module, false, grace, exit);
    }

    /** The same field reads, no event. */
    @Benchmark
    public int noEvents() {
        return module.length() + version.length() + file.length() + (int) (grace + exit);
    }
}
