package org.kmod4j.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kmod4j.bench.mod.ModuleBundles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Row 6: one load+unload cycle through the real container (framework extension installed into
 * an embedded Felix 7.0.5, the ModuleContainer service) vs plain Felix install (from a stream),
 * start, stop, uninstall, refresh (waiting for the refresh to finish, as the container does) of
 * the same small bundle jar (an activator registering one service, three classes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FelixCycleBench {
    FelixSupport felix;
    FelixSupport.Kmod kmod;
    Path jar;
    Path replaceJar;
    int n;

    @Setup
    public void setUp() {
        felix = FelixSupport.start();
        kmod = felix.kmod();
        jar = ModuleBundles.swapModule(felix.dir, "cyclemod");
        replaceJar = ModuleBundles.swapModule(felix.dir, "replmod");
        kmod.load(replaceJar);
    }

    @TearDown
    public void tearDown() {
        felix.close();
    }

    @Benchmark
    public void kmodLoadUnload() {
        kmod.load(jar);
        kmod.unload("cyclemod");
    }

    /**
     * One {@code ModuleContainer.replace} of a LIVE module by the same jar: the new instance's
     * whole load and the old one's whole unload (the call returns after the old one is freed;
     * the new one serves from its switch, earlier). Beside {@link #kmodLoadUnload}.
     */
    @Benchmark
    public void kmodReplace() {
        kmod.replace(replaceJar);
    }

    /**
     * Diagnosis: plain Felix doing the framework calls the container's FrameworkBundleHost makes
     * (install from a stream under a location checked first, explicit resolveBundles, the
     * bundle-local class listing, transient start/stop, uninstall, refresh and wait), plus the
     * jar digest ModuleManifest.read computes. The difference to kmodLoadUnload is the
     * container's own work.
     */
    @Benchmark
    public void felixAsTheContainerCallsIt() throws Exception {
        kmod4jDigest(jar);
        String location = "plain2:cyclemod:" + jar.toUri();
        if (felix.context.getBundle(location) != null) {
            throw new IllegalStateException("still installed");
        }
        Bundle b;
        try (InputStream in = Files.newInputStream(jar)) {
            b = felix.context.installBundle(location, in);
        }
        if (!felix.wiring.resolveBundles(List.of(b))) {
            throw new IllegalStateException("unresolved");
        }
        BundleWiring w = b.adapt(BundleWiring.class);
        w.getClassLoader();
        w.listResources("/", "*.class", BundleWiring.LISTRESOURCES_RECURSE | BundleWiring.LISTRESOURCES_LOCAL);
        w.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE);
        b.start(Bundle.START_TRANSIENT);
        b.stop(Bundle.STOP_TRANSIENT);
        b.uninstall();
        felix.refresh(List.of(b));
    }

    static byte[] kmod4jDigest(Path jar) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(jar));
        return md.digest();
    }

    @Benchmark
    public void felixInstallStartStopUninstallRefresh() throws Exception {
        Bundle b;
        try (InputStream in = Files.newInputStream(jar)) {
            b = felix.context.installBundle("plain:cyclemod:" + (n++), in);
        }
        b.start();
        b.stop();
        b.uninstall();
        felix.refresh(List.of(b));
    }
}
